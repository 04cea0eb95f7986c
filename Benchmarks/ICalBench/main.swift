import Foundation
import ICalendar

let path = CommandLine.arguments[1]
let started = Date()
var events = 0
var properties = 0
if CommandLine.arguments.count > 2 {
    var reader = ContentLineReader(try FileByteSource(path: path))
    while let line = try reader.next() { properties += line.value.utf8.count }
} else {
    var reader = CalendarReader(try FileByteSource(path: path))
    while let item = try reader.next() {
        if item.component.name == "VEVENT" {
            events += 1
            properties += item.component.properties.count
        }
    }
}
let seconds = Date().timeIntervalSince(started)
print("events=\(events) properties=\(properties) seconds=\(seconds)")
