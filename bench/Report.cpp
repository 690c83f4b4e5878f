#include "Report.h"

#include <QJsonValue>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace pipescope::bench {

namespace {

// 3 significant digits below 1000, whole numbers with thousands separators above.
std::string formatNumber(std::optional<double> value)
{
    if (!value || std::isnan(*value))
        return "missing";
    const double v = *value;
    char text[64];
    if (std::abs(v) >= 1000) {
        std::snprintf(text, sizeof text, "%.0f", std::abs(v));
        const std::size_t length = std::strlen(text);
        std::string grouped = v < 0 ? "-" : "";
        for (std::size_t i = 0; i < length; ++i) {
            if (i > 0 && (length - i) % 3 == 0)
                grouped.push_back(',');
            grouped.push_back(text[i]);
        }
        return grouped;
    }
    if (std::abs(v) >= 100)
        std::snprintf(text, sizeof text, "%.0f", v);
    else if (std::abs(v) >= 10)
        std::snprintf(text, sizeof text, "%.1f", v);
    else
        std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

// Appends `text` to `out` in a column of `width`, aligned right or left.
void cell(std::string& out, const std::string& text, std::size_t width, bool right)
{
    const std::size_t fill = text.size() < width ? width - text.size() : 0;
    if (!right)
        out.append(text);
    out.append(fill, ' ');
    if (right)
        out.append(text);
}

QJsonValue jsonNumber(std::optional<double> value)
{
    if (!value || std::isnan(*value) || std::isinf(*value))
        return QJsonValue(QJsonValue::Null);
    return *value;
}

bool passes(const std::optional<double>& value, bool atMost, double limit)
{
    return value && (atMost ? *value <= limit : *value >= limit);
}

} // namespace

void Report::addTriple(const char* key, const char* label, const char* unit, const Triple& values)
{
    m_rows.push_back({label, unit, values, false});
    QJsonObject object;
    object.insert(QStringLiteral("pipescope"), jsonNumber(values.pipescope));
    object.insert(QStringLiteral("raw"), jsonNumber(values.raw));
    object.insert(QStringLiteral("cpython"), jsonNumber(values.cpython));
    m_json.insert(QLatin1String(key), object);
}

void Report::addValue(const char* key, const char* label, const char* unit,
                      std::optional<double> value)
{
    m_rows.push_back({label, unit, {value, std::nullopt, std::nullopt}, true});
    if (key)
        m_json.insert(QLatin1String(key), jsonNumber(value));
}

void Report::addTarget(const char* key, const char* label, std::optional<double> value, bool atMost,
                       double limit, const char* unit)
{
    m_targets.push_back({label, value, atMost, limit, unit});
    QJsonObject object;
    object.insert(QStringLiteral("value"), jsonNumber(value));
    object.insert(QStringLiteral("limit"), limit);
    object.insert(QStringLiteral("comparison"),
                  atMost ? QStringLiteral("<=") : QStringLiteral(">="));
    object.insert(QStringLiteral("verdict"), !value ? QStringLiteral("n/a")
                                             : passes(value, atMost, limit)
                                                 ? QStringLiteral("PASS")
                                                 : QStringLiteral("MISS"));
    m_targetsJson.insert(QLatin1String(key), object);
}

void Report::addInformation(const char* key, const char* label, std::optional<double> value,
                            bool atMost, double limit, const char* unit)
{
    addTarget(key, label, value, atMost, limit, unit);
    m_targets.back().information = true;
    QJsonObject object = m_targetsJson.value(QLatin1String(key)).toObject();
    object.insert(QStringLiteral("verdict"), QStringLiteral("info"));
    m_targetsJson.insert(QLatin1String(key), object);
}

void Report::addJson(const char* key, const QJsonValue& value)
{
    m_json.insert(QLatin1String(key), value);
}

int Report::misses() const
{
    int count = 0;
    for (const Target& target : m_targets)
        count += !target.information && target.value &&
                         !passes(target.value, target.atMost, target.limit)
                     ? 1
                     : 0;
    return count;
}

std::string Report::text() const
{
    constexpr std::size_t kLabel = 40;
    constexpr std::size_t kNumber = 14;
    std::string out = m_heading;
    out.append("\n\n");
    cell(out, "Measurement", kLabel, false);
    cell(out, "PipeScope", kNumber, true);
    cell(out, "raw", kNumber, true);
    cell(out, "CPython", kNumber, true);
    out.append("  unit\n");
    out.append(kLabel + 3 * kNumber + 12, '-');
    out.append("\n");
    for (const Row& row : m_rows) {
        cell(out, row.label, kLabel, false);
        cell(out, formatNumber(row.values.pipescope), kNumber, true);
        cell(out, row.single ? std::string() : formatNumber(row.values.raw), kNumber, true);
        cell(out, row.single ? std::string() : formatNumber(row.values.cpython), kNumber, true);
        out.append("  ");
        out.append(row.unit);
        out.append("\n");
    }

    out.append("\n");
    cell(out, "Target", kLabel + 6, false);
    cell(out, "measured", kNumber, true);
    cell(out, "target", kNumber + 4, true);
    out.append("  unit      verdict\n");
    out.append(kLabel + 6 + 2 * kNumber + 4 + 18, '-');
    out.append("\n");
    for (const Target& target : m_targets) {
        std::string limit = target.atMost ? "<= " : ">= ";
        limit.append(formatNumber(target.limit));
        cell(out, target.label, kLabel + 6, false);
        cell(out, formatNumber(target.value), kNumber, true);
        cell(out, limit, kNumber + 4, true);
        out.append("  ");
        cell(out, target.unit, 10, false);
        out.append(target.information                                  ? "info"
                   : !target.value                                     ? "n/a"
                   : passes(target.value, target.atMost, target.limit) ? "PASS"
                                                                       : "MISS");
        out.append("\n");
    }
    if (!m_notes.empty()) {
        out.append("\n");
        for (const std::string& note : m_notes) {
            out.append("- ");
            out.append(note);
            out.append("\n");
        }
    }
    return out;
}

QJsonObject Report::json() const
{
    QJsonObject out = m_json;
    out.insert(QStringLiteral("targets"), m_targetsJson);
    return out;
}

} // namespace pipescope::bench
