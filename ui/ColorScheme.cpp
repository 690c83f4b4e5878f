#include "ColorScheme.h"

#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <memory>

namespace pipescope {

namespace {

constexpr auto kSetting = "window/colours";

// What the application had before PipeScope changed anything: System gives it back.
struct Original
{
    QString style;
    QPalette palette;
};

Original& original()
{
    static Original saved{QApplication::style()->name(), QApplication::palette()};
    return saved;
}

} // namespace

ColorScheme::Scheme ColorScheme::s_current = ColorScheme::System;

void ColorScheme::apply(Scheme scheme)
{
    const Original& before = original(); // taken on the first call, before any change
    if (scheme == System) {
        QApplication::setStyle(QStyleFactory::create(before.style));
        QApplication::setPalette(before.palette);
    } else {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(scheme == Dark ? darkPalette() : lightPalette());
    }
    s_current = scheme;
}

void ColorScheme::restore()
{
    const int stored = QSettings().value(QLatin1String(kSetting), int(System)).toInt();
    apply(stored == Light || stored == Dark ? Scheme(stored) : System);
}

QMenu* ColorScheme::menu(QWidget* parent)
{
    auto* menu = new QMenu(QApplication::translate("ColorScheme", "Colours"), parent);
    auto* group = new QActionGroup(menu);
    const std::pair<Scheme, const char*> schemes[] = {
        {System, "As the desktop"}, {Light, "Light"}, {Dark, "Dark"}};
    for (const auto& [scheme, name] : schemes) {
        QAction* action = menu->addAction(QApplication::translate("ColorScheme", name));
        action->setCheckable(true);
        action->setChecked(scheme == s_current);
        group->addAction(action);
        QObject::connect(action, &QAction::triggered, menu, [scheme = scheme] {
            apply(scheme);
            QSettings().setValue(QLatin1String(kSetting), int(scheme));
        });
    }
    return menu;
}

QPalette ColorScheme::lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    return fusion->standardPalette();
}

QPalette ColorScheme::darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor dim(0x8c, 0x8f, 0x94);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x3c, 0x3f, 0x44));
    p.setColor(QPalette::Midlight, QColor(0x34, 0x37, 0x3b));
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4d, 0x52));
    p.setColor(QPalette::Dark, QColor(0x16, 0x17, 0x19));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xf0));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    return p;
}

} // namespace pipescope
