import Foundation
import ICalendar

var reader = CalendarReader(try FileByteSource(path: CommandLine.arguments[1]))
var count = 0
while let item = try reader.next() { count += item.component.properties.count }
print(count)
