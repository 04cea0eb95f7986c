/// Kaltura's XML response form (`format=2`): `<xml><result>…</result></xml>`, each object an element
/// of its fields in name order, a nested object as an element of its own fields, lists as `<item>` elements.
public enum KalturaXML {
    /// A list response as Kaltura's XML.
    public static func document(_ response: KalturaListResponse) -> String {
        document(result: inner(response))
    }

    /// One object as Kaltura's XML result.
    public static func document(_ object: KalturaObject) -> String {
        document(result: fields(object))
    }

    /// An error as Kaltura's XML result: a `KalturaAPIException` with its code and message.
    public static func error(code: String, message: String) -> String {
        document(result: innerError(code: code, message: message))
    }

    /// The whole document around the inside of its `<result>` element.
    public static func document(result: String) -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result>" + result + "</result></xml>"
    }

    /// The inside of a list response's element: its objects as items, its total count and its type.
    public static func inner(_ response: KalturaListResponse) -> String {
        var xml = "<objects>"
        for object in response.objects {
            xml += "<item>" + fields(object) + "</item>"
        }
        xml += "</objects><totalCount>\(response.totalCount)</totalCount>"
        return xml + "<objectType>\(escape(response.objectType))</objectType>"
    }

    /// The inside of an error's result element: the `<error>` of a `KalturaAPIException`.
    public static func innerError(code: String, message: String) -> String {
        "<error><objectType>KalturaAPIException</objectType><code>\(escape(code))</code><message>\(escape(message))</message></error>"
    }

    /// The object's `objectType` and fields as elements, in name order.
    public static func fields(_ object: KalturaObject) -> String {
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
    public static func escape(_ text: String) -> String {
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
