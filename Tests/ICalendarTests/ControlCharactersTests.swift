import Testing

@testable import ICalendar

@Suite struct ControlCharactersTests {
    @Test func c0DelAndC1AreControlsButTabAndOptionallyLineFeedAreNot() {
        for text in ["a\u{0}b", "\u{1B}[2J", "bell\u{7}", "del\u{7F}", "csi\u{9B}31m", "\u{85}next line", "cr\r"] {
            #expect(ControlCharacters.contains(text), "\(text.debugDescription)")
        }
        for text in ["tab\there", "Ünïcödé – “quotes” ä", "\u{A0}no-break space", ""] {
            #expect(!ControlCharacters.contains(text), "\(text.debugDescription)")
        }
        #expect(ControlCharacters.contains("a\nb"))
        #expect(!ControlCharacters.contains("a\nb", allowingLineFeed: true))
        #expect(!ControlCharacters.contains("a\r\nb", allowingLineFeed: true), "a CRLF line break is a line break")
        #expect(ControlCharacters.contains("a\rb", allowingLineFeed: true), "a lone CR is not")
    }

    @Test func replacingKeepsTheTextAroundEachControl() {
        #expect(ControlCharacters.replacing(in: "a\u{0}b\u{9B}c\u{7F}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        #expect(ControlCharacters.replacing(in: "one\ntwo", allowingLineFeed: true) == "one\ntwo")
        #expect(ControlCharacters.replacing(in: "one\ntwo") == "one\u{FFFD}two")
        #expect(ControlCharacters.replacing(in: "one\r\ntwo", allowingLineFeed: true) == "one\r\ntwo")
        #expect(ControlCharacters.replacing(in: "one\r\ntwo\u{0}", allowingLineFeed: true) == "one\ntwo\u{FFFD}")
        let clean = "nothing to do"
        #expect(ControlCharacters.replacing(in: clean) == clean)
    }

    @Test func escapingShowsControlsForATerminal() {
        #expect(ControlCharacters.escaping(in: "\u{1B}]0;title\u{7}") == "\\u{1B}]0;title\\u{7}")
        #expect(ControlCharacters.escaping(in: "a\nb") == "a\\u{A}b")
        #expect(ControlCharacters.escaping(in: "a\nb", keepingLineFeeds: true) == "a\nb")
        #expect(ControlCharacters.escaping(in: "tab\tok") == "tab\tok")
    }

    @Test func aComponentsValuesAndParametersAreCleanedAndTheirPropertiesNamed() {
        var component = Component(
            name: "VEVENT",
            properties: [
                ContentLine(name: "UID", value: "fine"),
                ContentLine(name: "SUMMARY", value: "a\u{0}b"),
                ContentLine(name: "LOCATION", parameters: [Parameter(name: "ALTREP", values: ["x\u{1B}y", "line\nfeed"])], value: "room"),
            ],
            components: [
                Component(
                    name: "VALARM",
                    properties: [ContentLine(name: "DESCRIPTION", value: "\u{7}"), ContentLine(name: "SUMMARY", value: "\u{7}")])
            ])
        #expect(component.replaceControlCharacters() == ["SUMMARY", "LOCATION", "DESCRIPTION"])
        #expect(component.property("SUMMARY")?.value == "a\u{FFFD}b")
        #expect(component.property("LOCATION")?.parameters.first?.values == ["x\u{FFFD}y", "line\nfeed"])
        #expect(component.components[0].property("DESCRIPTION")?.value == "\u{FFFD}")
        #expect(component.property("UID")?.value == "fine")
    }
}
