#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <string>
#include <vector>

namespace pipescope {

// One line of JSON Lines holding an object whose values are scalars, as EventsJsonWriter writes
// them, parsed in place: no allocation per line once warm, numbers read once, strings handed out
// as UTF-8 views (decoded only when they hold escapes). A nested array or object is checked as
// JSON and kept as Type::Other. Everything else JSON allows (whitespace, escapes, \u surrogate
// pairs, exponents) is read as QJsonDocument reads it; anything else is refused with the reason.
// Written for EventsJsonReader: QJsonDocument took 3 us a line, most of it allocating.
class JsonLine
{
public:
    enum class Type
    {
        String,
        Integer, // a number without fraction or exponent that fits in 64 bits
        Number,  // any other number
        True,
        False,
        Null,
        Other, // an array or an object
    };

    struct Field
    {
        QByteArrayView key; // as written (a key with escapes is decoded into the line's buffer)
        Type type = Type::Null;
        QByteArrayView text; // a string's UTF-8, decoded
        qint64 integer = 0;
        double number = 0;
    };

    // Parses `line`; false when it is not JSON ("not JSON (why)") or not an object ("not a
    // JSON object"): error() says which. The fields refer to `line`, which must outlive them.
    bool parse(QByteArrayView line);
    // The same, with strings that hold escapes decoded into `decoded`, room for line.size()
    // bytes owned by the caller (a decoded string is never longer than its escaped form), where
    // they outlive the next line: decodedSize() bytes of it are used.
    bool parse(QByteArrayView line, char* decoded);
    qsizetype decodedSize() const { return m_decodedSize; }
    const QString& error() const { return m_error; }

    // The field named `key` (the first one when a key repeats), or null.
    const Field* find(QByteArrayView key) const;
    // Every field, in the line's order.
    const std::vector<Field>& fields() const { return m_fields; }

private:
    class Cursor;
    bool fail(const QString& why);

    std::vector<Field> m_fields;
    // Decoded strings with escapes, one after the other; as long as the longest line so far
    // (decoding never makes a string longer), so views into it stay valid for the line.
    std::string m_decoded;
    qsizetype m_decodedSize = 0;
    QString m_error;
};

} // namespace pipescope
