import Testing

@testable import ICalendar

@Suite struct ParameterValueTests {
    @Test(arguments: [
        ("a^^b", "a^b"), ("a^nb", "a\nb"), ("^'quoted^'", "\"quoted\""), ("^^^n", "^\n"), ("^^n", "^n"),
        ("a^b", "a^b"), ("a^Nb", "a^Nb"), ("end^", "end^"), ("^^^", "^^"), ("^", "^"), ("no carets", "no carets"),
    ])
    func caretsAreDecodedAsRFC6868Says(encoded: String, decoded: String) {
        #expect(ParameterValue.decodingCarets(encoded) == decoded)
    }

    @Test func theReaderDecodesCaretsInQuotedAndUnquotedValues() throws {
        let line = try #require(try contentLines("ATTENDEE;CN=George Herman ^'Babe^' Ruth;X-ADDR=\"a^nb, c\",d^^:mailto:x\n").first)
        #expect(line.parameter("CN") == "George Herman \"Babe\" Ruth")
        #expect(line.parameters[1].values == ["a\nb, c", "d^"])
        #expect(line.value == "mailto:x", "carets in the value are not parameter encoding")
    }

    @Test(arguments: ["", "plain", "a:b", "a;b", "a,b", "a^b", "\"", "^n", "x\ny", "^^'\"\n:;,", "ünïcødé 😀"])
    func decodingUndoesEncoding(value: String) {
        var encoded = ParameterValue.encoded(value)
        if encoded.hasPrefix("\"") {
            #expect(encoded.hasSuffix("\"") && encoded.count >= 2)
            encoded = String(encoded.dropFirst().dropLast())
        }
        #expect(!encoded.contains("\"") && !encoded.contains("\n"))
        #expect(ParameterValue.decodingCarets(encoded) == value)
    }
}
