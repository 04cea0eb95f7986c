import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The elements of a small XML document with their paths, in document order (a `Key` inside `Contents` is
/// `[…, "Contents", "Key"]`), and the first value of an element wherever it is.
final class S3XML: NSObject, XMLParserDelegate {
    /// An element: its path from the root and its text (the text after its last child, for a parent).
    struct Element {
        var path: [String]
        var text: String
    }

    /// The elements read, in the order they end.
    private(set) var elements: [Element] = []
    private var path: [String] = []
    private var text = ""

    /// Reads `xml`; false if it is not a well-formed document (the elements read before the fault are kept).
    @discardableResult
    func parse(_ xml: [UInt8]) -> Bool {
        let parser = XMLParser(data: Data(xml))
        parser.delegate = self
        return parser.parse()
    }

    /// The text of the first element named `name` in `xml`, or nil.
    static func firstValue(of name: String, in xml: [UInt8]) -> String? {
        let reader = S3XML()
        reader.parse(xml)
        return reader.elements.first { $0.path.last == name }?.text
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        path.append(elementName)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        elements.append(Element(path: path, text: text))
        path.removeLast()
        text = ""
    }
}
