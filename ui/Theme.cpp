#include "Theme.h"

#include <cmath>

namespace pipescope {

namespace {

double luminance(const QColor& color)
{
    const auto linear = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) +
           0.0722 * linear(color.blueF());
}

QColor mixed(const QColor& a, const QColor& b, double share)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * share),
                            float(a.greenF() + (b.greenF() - a.greenF()) * share),
                            float(a.blueF() + (b.blueF() - a.blueF()) * share));
}

} // namespace

Theme::Theme(const QPalette& palette)
    : m_base(palette.color(QPalette::Base))
    , m_alternateBase(palette.color(QPalette::AlternateBase))
    , m_text(palette.color(QPalette::Text))
    , m_dimText(palette.color(QPalette::PlaceholderText))
    , m_highlight(palette.color(QPalette::Highlight))
    , m_grid(palette.color(QPalette::Mid))
    , m_veil(palette.color(QPalette::AlternateBase))
    , m_states{QColor(0x5b, 0xa8, 0x5b), QColor(0x9c, 0xc3, 0xe6), QColor(0xf0, 0xa8, 0x4a),
               QColor(0xb8, 0x5c, 0xb8), QColor(0xe8, 0xd0, 0x4a), QColor(0x9a, 0x9a, 0x9a),
               QColor(0xd0, 0x1c, 0x1c), QColor(0x6c, 0x7a, 0x89), QColor(0xa0, 0x6e, 0x3c)}
    , m_channels{QColor(0x1f, 0x6f, 0xd0), QColor(0xd0, 0x4a, 0x1f), QColor(0x16, 0x9c, 0x8c),
                 QColor(0x9b, 0x3f, 0xc4), QColor(0x7a, 0x8a, 0x12), QColor(0xc4, 0x3f, 0x7e)}
    , m_pollTrue(0x1b, 0x8f, 0xa8) // teal: not the green of "running"
    , m_pollFalse(0xb0, 0xb0, 0xb0)
    , m_undelivered(0xb0, 0x40, 0x40)
    , m_onState(Qt::white)
{
    m_grid.setAlpha(90);
    m_veil.setAlpha(220);
    m_dark = luminance(m_base) < luminance(m_text);
    if (!m_dark)
        return;
    // The light hues against a dark base: lines and bars must stand out from it as they do on
    // white, text more so. A bar's own text stays white, so the bars keep their depth.
    for (QColor& color : m_channels)
        color = readable(color, 4.5);
    for (QColor& color : m_states)
        color = readable(color, 3);
    m_pollTrue = readable(m_pollTrue, 3);
    m_pollFalse = mixed(m_base, m_text, 0.35);
    m_undelivered = readable(QColor(0xe0, 0x60, 0x60), 4.5);
}

QColor Theme::state(ProcessState state) const
{
    const auto index = size_t(state);
    return index < m_states.size() ? m_states[index] : QColor(Qt::gray);
}

QColor Theme::channel(int channel) const
{
    return m_channels[size_t(channel) % m_channels.size()];
}

double Theme::contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor Theme::readable(QColor color, double ratio) const
{
    // Towards the text colour (away from the base) in small steps, until it reads.
    for (int step = 1; step <= 10 && contrast(color, m_base) < ratio; ++step)
        color = mixed(color, m_text, 0.1 * step);
    return color;
}

} // namespace pipescope
