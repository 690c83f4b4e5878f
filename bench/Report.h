#pragma once

#include <QJsonObject>
#include <QString>
#include <optional>
#include <string>
#include <vector>

namespace pipescope::bench {

// The bench's results: a table of measurements (PipeScope, raw, CPython side by side), a table of
// targets each marked PASS or MISS, notes, and the same as one flat JSON object.
class Report
{
public:
    struct Triple
    {
        std::optional<double> pipescope;
        std::optional<double> raw;
        std::optional<double> cpython;
    };

    void setHeading(std::string heading) { m_heading = std::move(heading); }
    // A measurement of the three contenders; JSON: key -> {"pipescope", "raw", "cpython"}, null
    // for a missing one.
    void addTriple(const char* key, const char* label, const char* unit, const Triple& values);
    // A single measurement, shown in PipeScope's column; JSON: key -> the number, none for a null
    // key (a figure the JSON holds elsewhere).
    void addValue(const char* key, const char* label, const char* unit,
                  std::optional<double> value);
    // A target: `value` must be at most (or at least) `limit`. No value: "n/a", not a MISS.
    void addTarget(const char* key, const char* label, std::optional<double> value, bool atMost,
                   double limit, const char* unit);
    // A former target kept for information (issue 15: the CPython ratios, bound by the
    // transport): listed with the targets as "info", its old limit shown, never a MISS.
    void addInformation(const char* key, const char* label, std::optional<double> value,
                        bool atMost, double limit, const char* unit);
    // JSON only.
    void addJson(const char* key, const QJsonValue& value);
    void addNote(std::string note) { m_notes.push_back(std::move(note)); }

    std::string text() const;
    QJsonObject json() const;
    int misses() const;

private:
    struct Row
    {
        std::string label;
        std::string unit;
        Triple values;
        bool single = false;
    };
    struct Target
    {
        std::string label;
        std::optional<double> value;
        bool atMost;
        double limit;
        std::string unit;
        bool information = false;
    };

    std::string m_heading;
    std::vector<Row> m_rows;
    std::vector<Target> m_targets;
    std::vector<std::string> m_notes;
    QJsonObject m_json;
    QJsonObject m_targetsJson;
};

} // namespace pipescope::bench
