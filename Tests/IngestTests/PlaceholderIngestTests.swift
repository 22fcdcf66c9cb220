import Testing
@testable import Ingest

// Placeholder: replaced by the Ingest stage's real tests.
@Test func ingestModuleLinks() { #expect(Bool(true)) }
