import Testing
@testable import Pipeline

// Placeholder: replaced by the Pipeline stage's real tests.
@Test func pipelineModuleLinks() { #expect(Bool(true)) }
