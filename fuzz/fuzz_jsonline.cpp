// libFuzzer target: JsonLine::parse(), the events file reader's JSON, against QJsonDocument.
//
// Input: one line of JSON Lines (any bytes).
// Invariants (a violation traps): no read outside the input (ASan); whatever JsonLine accepts,
// QJsonDocument reads as an object too; where both accept a line, every key QJsonDocument has is
// found by JsonLine, and where it is not repeated, with the same type (string, number, true, false,
// null, array or object) and the same value (a string's text, where it is valid Unicode; a number's
// double; an integer's exact value); a decoded string is never longer than its escaped form.

#include "FuzzCheck.h"
#include "trace/JsonLine.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <cstdint>

using namespace pipescope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray line(reinterpret_cast<const char*>(data), qsizetype(size));
    JsonLine parsed;
    const bool accepted = parsed.parse(line);
    FUZZ_CHECK(accepted == parsed.error().isEmpty());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    const bool qtObject = error.error == QJsonParseError::NoError && document.isObject();
    if (!accepted)
        return 0; // JsonLine is stricter where Qt is lenient (e.g. invalid UTF-8 it replaces)
    FUZZ_CHECK(qtObject);
    const QJsonObject object = document.object();
    QHash<QByteArray, int> occurrences;
    for (const JsonLine::Field& field : parsed.fields())
        ++occurrences[field.key.toByteArray()];
    for (auto it = object.begin(); it != object.end(); ++it) {
        // A key with a lone surrogate: Qt keeps it, JsonLine writes U+FFFD for it.
        if (!it.key().isValidUtf16())
            continue;
        const QByteArray key = it.key().toUtf8();
        const JsonLine::Field* field = parsed.find(key);
        FUZZ_CHECK(field != nullptr);
        // A repeated key: Qt keeps the last value, JsonLine finds the first; not compared.
        if (occurrences.value(key) > 1)
            continue;
        const QJsonValue value = it.value();
        switch (field->type) {
        case JsonLine::Type::String: {
            FUZZ_CHECK(value.isString());
            const QString text = value.toString();
            if (text.isValidUtf16() && !QString::fromUtf8(field->text).contains(QChar(0xFFFD)))
                FUZZ_CHECK(QString::fromUtf8(field->text) == text);
            FUZZ_CHECK(field->text.size() <= line.size());
            break;
        }
        case JsonLine::Type::Integer:
            FUZZ_CHECK(value.isDouble());
            FUZZ_CHECK(double(field->integer) == field->number);
            FUZZ_CHECK(value.toDouble() == field->number);
            break;
        case JsonLine::Type::Number:
            FUZZ_CHECK(value.isDouble());
            FUZZ_CHECK(value.toDouble() == field->number);
            break;
        case JsonLine::Type::True:
            FUZZ_CHECK(value.isBool() && value.toBool());
            break;
        case JsonLine::Type::False:
            FUZZ_CHECK(value.isBool() && !value.toBool());
            break;
        case JsonLine::Type::Null:
            FUZZ_CHECK(value.isNull());
            break;
        case JsonLine::Type::Other:
            FUZZ_CHECK(value.isArray() || value.isObject());
            break;
        }
    }
    return 0;
}
