import Testing
@testable import Growth

// Placeholder: replaced by the Growth stage's real tests.
@Test func growthModuleLinks() { #expect(Bool(true)) }
