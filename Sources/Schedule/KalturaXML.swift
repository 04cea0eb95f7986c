/// Kaltura's XML response form (`format=2`): `<xml><result>…</result></xml>`, each object an element
/// of its fields in name order, a nested object as an element of its own fields, lists as `<item>` elements.
public enum KalturaXML {
    /// A list response as Kaltura's XML.
    public static func document(_ response: KalturaListResponse) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result><objects>"
        for object in response.objects {
            xml += "<item>" + fields(object) + "</item>"
        }
        xml += "</objects><totalCount>\(response.totalCount)</totalCount>"
        xml += "<objectType>\(escape(response.objectType))</objectType></result></xml>"
        return xml
    }

    /// One object as Kaltura's XML result.
    public static func document(_ object: KalturaObject) -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result>" + fields(object) + "</result></xml>"
    }

    /// An error as Kaltura's XML result: a `KalturaAPIException` with its code and message.
    public static func error(code: String, message: String) -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result><error><objectType>KalturaAPIException</objectType>"
            + "<code>\(escape(code))</code><message>\(escape(message))</message></error></result></xml>"
    }

    /// The object's `objectType` and fields as elements, in name order.
    static func fields(_ object: KalturaObject) -> String {
        var xml = "<objectType>\(escape(object.objectType))</objectType>"
        for (name, value) in object.fields.sorted(by: { $0.key < $1.key }) {
            let text =
                switch value {
                case .int(let number): String(number)
                case .string(let string): escape(string)
                case .double(let number): String(number)
                case .object(let object): fields(object)
                }
            xml += "<\(name)>\(text)</\(name)>"
        }
        return xml
    }

    /// Text with `&`, `<`, `>`, `"` and `'` escaped, and characters XML 1.0 cannot carry left out.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
