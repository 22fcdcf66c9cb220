import Testing
@testable import Aggregate

// Placeholder: replaced by the Aggregate stage's real tests.
@Test func aggregateModuleLinks() { #expect(Bool(true)) }
