#!/usr/bin/env python3
"""Writes a resource CSV of N rows (deterministic) to standard output: buildings, rooms, cameras.

Every tenth row is a building, the rooms below it follow, and each room's cameras come before the
room in the file, so the job has to reorder them by dependency.
"""
import sys

n = int(sys.argv[1])
out = sys.stdout
out.write("*action,name,type,systemName,description,tags,parentType,parentSystemName\r\n")
written = building = 0
while written < n:
    building += 1
    out.write(f"1,Building {building},location,b{building},\"Building {building}, Campus Road {building}\",building,,\r\n")
    written += 1
    for room in range(1, 4):
        if written + 3 > n:
            break
        key = f"b{building}-r{room}"
        for cam in range(1, 3):
            out.write(f"6,Camera {cam} of {key},camera,{key}-c{cam},Capture device,\"camera,ptz\",location,{key}\r\n")
        out.write(f"1,Room {room} of building {building},location,{key},Lecture room,room,location,b{building}\r\n")
        written += 3
