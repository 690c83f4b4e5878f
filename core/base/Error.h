#pragma once

#include <QByteArray>
#include <QString>

namespace pipescope {

// The kinds of failure a Connection and its codecs report. Each mirrors the exception CPython's
// multiprocessing.connection raises in the same situation (see pythonType()).
enum class ErrorKind
{
    Eof,              // EOFError: the peer closed at a message boundary (or an empty pickle)
    HandleClosed,     // OSError('handle is closed')
    ReadOnly,         // OSError('connection is read-only'): sending on a read end
    WriteOnly,        // OSError('connection is write-only'): receiving on a write end
    InvalidArgument,  // ValueError: offset/size/maxlength checks
    BadMessageLength, // OSError('bad message length'): message longer than maxlength
    BufferTooShort,   // multiprocessing.BufferTooShort, carrying the whole message
    EofDuringMessage, // OSError('got end of file during message')
    BrokenPipe,       // BrokenPipeError: writing to a peer that has closed
    System,           // OSError with an errno
    Unpickling,       // _pickle.UnpicklingError: a payload that is not a pickle we accept
    Pickling,         // a value that cannot be pickled
    Protocol,         // a frame header that no sender could have written (negative length)
    Authentication,   // multiprocessing.AuthenticationError
    Timeout,          // TimeoutError
};

class Error
{
public:
    Error(ErrorKind kind, QString message, QByteArray payload = {}, int errnum = 0);

    // An OSError from errno, with Python's "[Errno N] text" message; EPIPE gives BrokenPipe.
    static Error fromErrno(int errnum);

    ErrorKind kind() const { return m_kind; }
    const QString& message() const { return m_message; }
    // The whole message, for BufferTooShort (whose message() is its repr).
    const QByteArray& payload() const { return m_payload; }
    int errnum() const { return m_errnum; }

    // The Python exception type CPython raises for this error, e.g. "OSError".
    QString pythonType() const;
    // As Python prints an exception on one line: "OSError: handle is closed", "EOFError".
    QString toString() const;

private:
    ErrorKind m_kind;
    QString m_message;
    QByteArray m_payload;
    int m_errnum = 0;
};

} // namespace pipescope
