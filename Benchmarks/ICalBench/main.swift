import Foundation
import ICalendar

let path = CommandLine.arguments[1]
let started = Date()
var reader = CalendarReader(try FileByteSource(path: path))
var events = 0
var properties = 0
while let item = try reader.next() {
    if item.component.name == "VEVENT" {
        events += 1
        properties += item.component.properties.count
    }
}
let seconds = Date().timeIntervalSince(started)
print("events=\(events) properties=\(properties) seconds=\(seconds)")
