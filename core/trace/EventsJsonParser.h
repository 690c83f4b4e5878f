#pragma once

#include "base/Result.h"
#include "trace/JsonLine.h"

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope {

class ParsedEvents;

// The first half of reading an events file (JSON Lines, as EventsJsonWriter writes it): cuts the
// bytes into lines and makes each an event with its fields checked and converted, its names
// still names (EventsJsonReader, the second half, takes them into a store). It holds no store,
// so it can run a piece ahead of the store on a thread of its own (EventsParseThread).
//
// A line that is not a JSON object, lacks a field its kind needs, names an unknown kind, state
// or signal, or is longer than 4 MiB stops the parse: the batch's `failed` says "line N: why"
// after the lines before it, and every later piece fails so. Blank lines are skipped (and
// counted), a UTF-8 byte order mark before the first line is no part of it, a line may end in
// "\r\n".
class EventsJsonParser
{
public:
    // The lines `bytes` complete, into `out` (cleared first; its views point into `bytes` and
    // into its own room, so `bytes` must live as long as they are used).
    void feed(QByteArrayView bytes, ParsedEvents& out);
    // The end of the file: its last line, when it has no newline, into `out` (cleared first),
    // which is marked as the end.
    void finish(ParsedEvents& out);
    // Lines parsed so far (blank ones too).
    qint64 lines() const { return m_lineNumber; }

private:
    // Parses one line into out; false (and `failed` set) when it is bad.
    bool parseLine(QByteArrayView line, ParsedEvents& out);
    Error tooLong() const;

    JsonLine m_line;
    QByteArray m_partial; // the start of a line whose newline has not come yet
    qint64 m_lineNumber = 0;
    bool m_started = false; // past the place of a byte order mark
    Status m_failed;
};

} // namespace pipescope
