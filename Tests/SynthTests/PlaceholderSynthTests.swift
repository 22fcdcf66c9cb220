import Testing
@testable import Synth

// Placeholder: replaced by the Synth stage's real tests.
@Test func synthModuleLinks() { #expect(Bool(true)) }
