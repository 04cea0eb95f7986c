import ICalendar
import Testing

@testable import Schedule

func records(_ text: String) throws -> [CSVRecord] {
    try records(bytes: Array(text.utf8))
}

func records(bytes: [UInt8]) throws -> [CSVRecord] {
    var reader = CSVReader(BufferByteSource(bytes))
    var all: [CSVRecord] = []
    while let record = try reader.next() { all.append(record) }
    return all
}

@Suite struct CSVReaderTests {
    @Test func readsQuotedFieldsWithCommasDoubledQuotesAndLineBreaks() throws {
        let read = try records("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",x,\r\nlast,,\n")
        #expect(read.map(\.fields) == [["a", "b, c", "say \"hi\""], ["two\nlines", "x", ""], ["last", "", ""]])
        #expect(read.map(\.line) == [1, 2, 4])
    }

    @Test func byteOrderMarkAndBlankLinesAreSkipped() throws {
        let read = try records(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n\n\r\nc,d".utf8))
        #expect(read.map(\.fields) == [["a", "b"], ["c", "d"]])
    }

    @Test func theSeedsTypographicQuotesAreReadAsQuotes() throws {
        let seed = "1,my resource name,camera,my-camera1,my example camera,”tag1,tag2”,location,my-parent1"
        let record = try #require(try records(seed).first)
        #expect(record.fields.count == 8)
        #expect(record.fields[5] == "tag1,tag2")
        #expect(record.fields[7] == "my-parent1")
        #expect(record.typographicQuotes)
        #expect(try records("“left and right”,x").first?.fields == ["left and right", "x"])
    }

    @Test func typographicQuoteThatClosesNothingIsText() throws {
        let record = try #require(try records("”Cool” room,x").first)
        #expect(record.fields == ["”Cool” room", "x"])
        #expect(!record.typographicQuotes)
    }

    @Test func quoteInsideAnUnquotedFieldIsText() throws {
        #expect(try records("a 12\" monitor,b").first?.fields == ["a 12\" monitor", "b"])
    }

    @Test func unterminatedQuoteNamesLineAndColumn() throws {
        let error = #expect(throws: CSVError.self) { try records("a,b\nc,\"open\nstill open\n") }
        #expect(error?.code == .unterminatedQuote)
        #expect(error?.line == 2)
        #expect(error?.column == 3)
    }

    @Test func textAfterAClosingQuoteNamesLineAndColumn() throws {
        let error = #expect(throws: CSVError.self) { try records("é,\"x\"y,z\n") }
        #expect(error?.code == .textAfterQuote)
        #expect(error?.line == 1)
        #expect(error?.column == 6, "columns count characters, not bytes")
    }

    @Test func errorsInRecordsSpanningLinesNameThePhysicalLine() throws {
        let after = #expect(throws: CSVError.self) { try records("\"x\ny\"z\n") }
        #expect(after?.code == .textAfterQuote)
        #expect(after?.line == 2)
        #expect(after?.column == 3)
        let open = #expect(throws: CSVError.self) { try records("\"a\nb\",\"c\nd\n") }
        #expect(open?.code == .unterminatedQuote)
        #expect(open?.line == 2)
        #expect(open?.column == 4)
    }

    @Test func aStrayQuoteCannotPullTheRestOfTheFileIntoOneRecord() throws {
        let line = String(repeating: "x", count: 1000) + "\n"
        let text = "a,\"stray\n" + String(repeating: line, count: 9000)
        let error = #expect(throws: CSVError.self) { try records(text) }
        #expect(error?.code == .recordTooLong)
    }

    @Test func manyTypographicOpenersOnOneLineAreReadAsText() throws {
        let fields = 20_000
        let record = try #require(try records(String(repeating: "“a,", count: fields)).first)
        #expect(record.fields.count == fields + 1)
        #expect(record.fields[0] == "“a")
        #expect(!record.typographicQuotes)
    }

    @Test func invalidUTF8IsAFileError() throws {
        let error = #expect(throws: CSVError.self) { try records(bytes: Array("a,b\nc,".utf8) + [0xFF, 0x0A]) }
        #expect(error?.code == .invalidUTF8)
        #expect(error?.line == 2)
    }
}

@Suite struct ResourceCSVReaderTests {
    private func lines(_ text: String) throws -> [ResourceCSVLine] {
        var reader = ResourceCSVReader(BufferByteSource(text))
        var all: [ResourceCSVLine] = []
        while let line = try reader.next() { all.append(line) }
        return all
    }

    @Test func defaultOrderAndDefaultsApply() throws {
        let row = try #require(try lines("1,Room 101\n").first?.row.get())
        #expect(row.action == .add)
        #expect(row.name == "Room 101")
        #expect(row.type == .location)
        #expect(row.systemName == "")
        #expect(row.description == nil)
        #expect(row.parentType == .location)
        #expect(row.parentSystemName == "")
        #expect(try lines(",Room\n").first?.row.get().action == .add, "an empty action is add")
    }

    @Test func headerLinesSetTheOrderForTheRowsAfterThem() throws {
        let read = try lines(
            """
            # campus resources
            *name,systemName,type
            Hall A,hall-a,location

            * Type , SYSTEMNAME, name,parentSystemName
            camera,cam-1,Front camera,hall-a
            """)
        let rows = try read.map { try $0.row.get() }
        #expect(rows.map(\.name) == ["Hall A", "Front camera"])
        #expect(rows.map(\.systemName) == ["hall-a", "cam-1"])
        #expect(rows.map(\.type) == [.location, .camera])
        #expect(rows[1].parentSystemName == "hall-a")
        #expect(read.map(\.line) == [3, 6])
    }

    @Test func unknownColumnFailsTheFileNamingIt() throws {
        let error = #expect(throws: CSVError.self) { try lines("*title,startDate,endDate\nLecture,1,2\n") }
        #expect(error?.code == .unknownColumn)
        #expect(error?.message.contains("'title'") == true)
        #expect(error?.column == 1)
        let twice = #expect(throws: CSVError.self) { try lines("*name,Name\n") }
        #expect(twice?.code == .duplicateColumn)
    }

    @Test(arguments: [
        ("1,,camera", "resource.missingName"),
        ("4,Room", "resource.unknownAction"),
        ("1,Room,projector", "resource.unknownType"),
        ("1,Room,camera,c,d,t,building,p", "resource.unknownParentType"),
        ("2,Room", "resource.missingKey"),
        ("1,Room,location,s,d,t,location,p,extra", "resource.extraFields"),
    ])
    func invalidRowsAreRejectedWithTheirCode(line: String, code: String) throws {
        let read = try #require(try lines(line + "\n").first)
        guard case .failure(let error) = read.row else {
            Issue.record("expected \(code)")
            return
        }
        #expect(error.code == code)
    }

    @Test func quotedFirstCellsAreDataNotCommentsOrHeaders() throws {
        let read = try lines("*name,systemName\n\"#1 Studio\",s1\n\"*Main hall\",h\n#real comment\n")
        #expect(try read.map { try $0.row.get().name } == ["#1 Studio", "*Main hall"])
    }

    @Test func invalidResourceIdIsRejected() throws {
        let read = try #require(try lines("*action,resourceId,name\n2,-5,x\n").first)
        guard case .failure(let error) = read.row else {
            Issue.record("expected a rejection")
            return
        }
        #expect(error.code == "resource.invalidResourceId")
        #expect(read.line == 2)
    }
}
