#pragma once

#include <cstddef>
#include <vector>

namespace pipescope::bench {

// Measured values (times, rates) and the statistics the bench reports of them.
class Samples
{
public:
    Samples() = default;
    explicit Samples(std::vector<double> values);

    void add(double value) { m_values.push_back(value); }
    void append(const Samples& other);
    std::size_t size() const { return m_values.size(); }
    bool empty() const { return m_values.empty(); }
    const std::vector<double>& values() const { return m_values; }

    double median() const { return percentile(50); }
    // The nearest-rank percentile (0 to 100); NaN when empty.
    double percentile(double p) const;
    double minimum() const;
    double maximum() const;

private:
    std::vector<double> m_values;
};

} // namespace pipescope::bench
