import Foundation
import Logging
import Schedule
import ScheduleStore
import TestSupport
import Testing

@testable import ScheduleFeed

@Suite("Reading a call's parameters")
struct KalturaParametersTests {
    @Test("path pairs, query brackets, forms and JSON bodies flatten to the same names")
    func forms() throws {
        var parameters = KalturaParameters()
        parameters.addPathPairs(["format", "ical", "filter:startDateGreaterThanOrEqual", "0", "dangling"])
        parameters.addForm("pager%5BpageSize%5D=500&pager[pageIndex]=2&filter[tagsLike]=a+b%2Cc&empty=")
        try parameters.addJSON(
            Data(#"{"ks": "t", "filter": {"objectType": "KalturaScheduleEventFilter", "idIn": [1, 2], "x": {"y": true}}, "n": null}"#.utf8))
        #expect(parameters["format"] == "ical")
        #expect(parameters["filter:startDateGreaterThanOrEqual"] == "0")
        #expect(parameters["dangling"] == nil)
        #expect(parameters["pager:pageSize"] == "500")
        #expect(parameters["pager:pageIndex"] == "2")
        #expect(parameters["filter:tagsLike"] == "a b,c")
        #expect(parameters["empty"] == "")
        #expect(parameters["ks"] == "t")
        #expect(parameters["filter:idIn"] == "1,2")
        #expect(parameters["filter:x:y"] == "1")
        #expect(parameters["n"] == nil)
        #expect(parameters.fields(of: "pager") == ["pageSize": "500", "pageIndex": "2"])
        #expect(throws: FeedError.self) { try parameters.addJSON(Data("[1]".utf8)) }
    }

    @Test("a filter reads every supported field, merges Equal with In, and refuses the rest by name")
    func eventFilter() throws {
        var parameters = KalturaParameters()
        parameters.addForm(
            "filter[objectType]=KalturaRecordScheduleEventFilter&filter[idEqual]=3&filter[idIn]=4,5&filter[statusIn]=1,2"
                + "&filter[recurrenceTypeEqual]=2&filter[startDateGreaterThanOrEqual]=-60&filter[orderBy]=%2BstartDate")
        let request = try ListRequest(events: parameters)
        #expect(request.filter.idIn == [3, 4, 5])
        #expect(request.filter.statusIn == [.cancelled, .active])
        #expect(request.filter.recurrenceTypeIn == [.recurrence])
        #expect(request.usesRelativeTimes)
        #expect(request.pager == (try Pager()))
        #expect(request.filter.typeIn == [.record])
        #expect(request.filter.orderBy == [SortKey(.startDate)])

        for (query, code) in [
            ("filter[sourceEntryIdEqual]=1", FeedError.Code.unknownFilter), ("filter[statusEqual]=9", .invalidParameter),
            ("filter[objectType]=KalturaMediaEntryFilter", .invalidParameter), ("pager[pageIndex]=x", .invalidParameter),
            ("pager[pageSize]=500&pager[pageIndex]=21", .pageBeyondLimit),
        ] {
            var bad = KalturaParameters()
            bad.addForm(Substring(query))
            #expect(throws: FeedError.self, "\(query)") { try ListRequest(events: bad) }
            do { _ = try ListRequest(events: bad) } catch { #expect(error.code == code, "\(query)") }
        }
    }

    @Test("a multipart body gives its json part as parameters and its file part as the upload")
    func multipart() throws {
        let body =
            "--b0undary\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n{\"ks\": \"secret\", \"format\": 1}\r\n"
            + "--b0undary\r\nContent-Disposition: form-data; name=\"fileData\"; filename=\"term.ics\"\r\nContent-Type: text/calendar\r\n\r\n"
            + "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\r\n--b0undary--\r\n"
        let call = try FeedCall(
            FeedRequest(
                method: "POST", path: "/api_v3/service/schedule_scheduleEvent/action/addFromBulkUpload",
                headers: ["content-type": "multipart/form-data; boundary=\"b0undary\""], body: Array(body.utf8)))
        #expect(call.service == "schedule_scheduleevent")
        #expect(call.action == "addfrombulkupload")
        #expect(call.token == "secret")
        #expect(call.parameters["format"] == "1")
        #expect(call.file?.name == "term.ics")
        #expect(call.file.map { String(decoding: $0.bytes, as: UTF8.self) } == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        #expect(throws: FeedError.self) { try FeedCall(FeedRequest(method: "GET", path: "/service/x/action/list")) }
        let multi = try FeedCall(FeedRequest(method: "POST", path: "/api_v3/service/multirequest"))
        #expect(multi.service == "multirequest")
        let plain = try FeedCall(FeedRequest(method: "GET", path: "/api_v3/index.php", query: "service=session&action=get"))
        #expect(plain.service == "session" && plain.action == "get")
    }

    @Test("percent-decoding: escapes in any case, UTF-8, + as a space in forms only; a malformed escape or bad UTF-8 kept as written")
    func percentDecoding() {
        #expect(KalturaParameters.decodePercent("filter%5bstartDate%5D", plusIsSpace: true) == "filter[startDate]")
        #expect(KalturaParameters.decodePercent("%E2%82%AC+5", plusIsSpace: true) == "€ 5")
        #expect(KalturaParameters.decodePercent("%2BstartDate", plusIsSpace: true) == "+startDate")
        #expect(KalturaParameters.decodePercent("a+b", plusIsSpace: false) == "a+b")
        #expect(KalturaParameters.decodePercent("100%", plusIsSpace: true) == "100%")
        #expect(KalturaParameters.decodePercent("%zz+x", plusIsSpace: true) == "%zz x")
        #expect(KalturaParameters.decodePercent("%C3+%28", plusIsSpace: true) == "%C3 %28")
    }

    @Test("bracketed names flatten to colon names")
    func bracketNames() {
        for (name, flat) in [
            ("filter[a]", "filter:a"), ("filter[a][b]", "filter:a:b"), ("filter:a", "filter:a"),
            ("0[filter][objectType]", "0:filter:objectType"),
            ("a]b", "a]b"), ("x[", "x:"), ("x[]y", "x:y"),
        ] {
            #expect(KalturaParameters.normalized(name) == flat, "\(name)")
        }
    }

    @Test("tokens: known or not, and the bearer header")
    func tokens() throws {
        let book = TokenBook([PartnerToken(partnerId: 7, sha256: PartnerToken.hash("abc"), expiresAt: 2_000)])
        #expect(book.token("abc") == PartnerToken(partnerId: 7, sha256: PartnerToken.hash("abc"), expiresAt: 2_000))
        #expect(book.token("abd") == nil)
        let call = try FeedCall(
            FeedRequest(method: "GET", path: "/api_v3/service/a/action/b", headers: ["authorization": "Bearer abc"]))
        #expect(call.token == "abc")
        #expect(PartnerToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("If-None-Match matches the tag, its weak form, a list holding it, or *")
    func entityTagMatching() {
        #expect(FeedContext.matches("\"a\"", "\"a\""))
        #expect(FeedContext.matches("W/\"a\"", "\"a\""))
        #expect(FeedContext.matches("\"x\", \"a\"", "\"a\""))
        #expect(FeedContext.matches("*", "\"a\""))
        #expect(!FeedContext.matches("\"b\"", "\"a\""))
    }

    @Test("the start of a multipart body gives its complete fields, never a file, even one cut before the last byte")
    func startOfMultipartBody() throws {
        let body =
            "--b\r\nContent-Disposition: form-data; name=\"ks\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"fileData\"; "
            + "filename=\"a.ics\"\r\n\r\nBEGIN:VCALENDAR\r\n\r\n--b--\r\n"
        var request = FeedRequest(
            method: "POST", path: "/api_v3/service/schedule_scheduleevent/action/addFromBulkUpload",
            headers: ["content-type": "multipart/form-data; boundary=b"], body: Array(body.utf8))
        #expect(try FeedCall(request).file?.name == "a.ics")
        for cut in [body.utf8.count - 1, body.utf8.count - 20, 60] {
            request.body = Array(body.utf8.prefix(cut))
            let start = try FeedCall(request, bodyIsWhole: false)
            #expect(start.file == nil, "cut at \(cut)")
            #expect(start.token == "abc", "cut at \(cut)")
        }
    }

    @Test("a multipart body with a part header name that is not ASCII is refused, not handed to MultipartKit (which traps)")
    func nonASCIIPartHeaderName() async throws {
        // Found by scripts/fuzz feed: MultipartKit 4.7.1 indexes a 128-entry table with each header-name byte.
        let body =
            Array("--b\r\nContent-Disposition: form-data; name=\"ks\"\r\nX-".utf8) + [0xFF, 0xFE]
            + Array(": 1\r\n\r\nabc\r\n--b--\r\n".utf8)
        let request = FeedRequest(
            method: "POST", path: "/api_v3/service/schedule_scheduleevent/action/list",
            headers: ["content-type": "multipart/form-data; boundary=b"], body: body)
        #expect(throws: FeedError.self) { try FeedCall(request) }
        #expect(throws: FeedError.self) { try FeedCall(request, bodyIsWhole: false) }
        // An empty boundary (MultipartKit's parser traps on one).
        var noBoundary = request
        noBoundary.headers["content-type"] = "multipart/form-data; boundary= ;x=y"
        #expect(throws: FeedError.self) { try FeedCall(noBoundary) }
        #expect(throws: FeedError.self) { try FeedCall(noBoundary, bodyIsWhole: false) }
        // A header value holding a bare LF: the next name starts after the CR LF, not after that LF.
        var bareLF = request
        bareLF.body =
            Array("--b\r\nContent-Disposition: form-data; name=\"a\u{0A}\r\n".utf8) + [0xA2, 0x9D] + Array("c\r\n\r\nx\r\n--b--\r\n".utf8)
        #expect(throws: FeedError.self) { try FeedCall(bareLF) }
        let root = try TemporaryDirectory()
        let feed = ScheduleFeed(
            store: try SQLiteStore(path: root.path + "/store.sqlite"), tokens: { TokenBook([]) }, maximumUploadBytes: 1 << 20,
            submit: { _, _, _, _ in 0 }, folderPartners: { [:] }, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(await feed.respond(to: request).headers["X-Kaltura"] == "error-feed.invalidParameter")
        let utf8FileName = Array(
            ("--b\r\nContent-Disposition: form-data; name=\"ks\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"fileData\"; "
                + "filename=\"caf\u{E9}.ics\"\r\n\r\nBEGIN:VCALENDAR\r\n--b--\r\n").utf8)
        var named = request
        named.body = utf8FileName
        #expect(try FeedCall(named).file?.name == "caf\u{E9}.ics")
    }
}
