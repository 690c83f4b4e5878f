#include "Samples.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pipescope::bench {

Samples::Samples(std::vector<double> values)
    : m_values(std::move(values))
{}

void Samples::append(const Samples& other)
{
    m_values.insert(m_values.end(), other.m_values.begin(), other.m_values.end());
}

double Samples::percentile(double p) const
{
    if (m_values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> sorted = m_values;
    const double rank = std::ceil(p / 100.0 * double(sorted.size()));
    const std::size_t index = std::min(sorted.size() - 1, std::size_t(std::max(1.0, rank)) - 1);
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(index), sorted.end());
    return sorted[index];
}

double Samples::minimum() const
{
    if (m_values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    return *std::min_element(m_values.begin(), m_values.end());
}

double Samples::maximum() const
{
    if (m_values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    return *std::max_element(m_values.begin(), m_values.end());
}

} // namespace pipescope::bench
