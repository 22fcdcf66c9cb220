import Testing
@testable import TimbangCore

@Test func placeNamesTreatEveryUnicodeSpaceAsASpace() {
    #expect(normalizedPlace("  Mawar 1 ") == "MAWAR 1")
    for space in ["\u{A0}", "\u{2000}", "\u{2007}", "\u{200A}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}"] {
        #expect(normalizedPlace(space + "Mawar" + space + space + "1" + space) == "MAWAR 1", "U+\(String(space.unicodeScalars.first!.value, radix: 16))")
    }
    // Not spaces: a zero-width space (U+200B) and an en dash stay.
    #expect(normalizedPlace("Mawar\u{200B}1") == "MAWAR\u{200B}1")
    #expect(normalizedPlace("Mawar–1") == "MAWAR–1")
}
