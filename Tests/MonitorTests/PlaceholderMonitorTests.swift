import Testing
@testable import Monitor

// Placeholder: replaced by the Monitor stage's real tests.
@Test func monitorModuleLinks() { #expect(Bool(true)) }
