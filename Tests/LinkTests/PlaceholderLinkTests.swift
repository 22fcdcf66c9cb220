import Testing
@testable import Link

// Placeholder: replaced by the Link stage's real tests.
@Test func linkModuleLinks() { #expect(Bool(true)) }
