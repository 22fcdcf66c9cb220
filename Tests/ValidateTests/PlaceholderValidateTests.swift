import Testing
@testable import Validate

// Placeholder: replaced by the Validate stage's real tests.
@Test func validateModuleLinks() { #expect(Bool(true)) }
