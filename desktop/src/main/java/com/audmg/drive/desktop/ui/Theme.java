package com.audmg.drive.desktop.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.model.SystemTheme;
import com.audmg.drive.desktop.model.SystemThemeWatch;
import javafx.application.Application;
import javafx.css.PseudoClass;
import javafx.stage.Window;

/**
 * AtlantaFX Primer Light or Primer Dark, as the setting says (System: what the desktop prefers, where that can be
 * told). Applied at once to every open window: the user-agent stylesheet is global, and app.css uses the theme's
 * colour variables, with a {@code :dark} pseudo-class on each root for the few rules that differ.
 */
public final class Theme {

    private static final PseudoClass DARK = PseudoClass.getPseudoClass("dark");
    private static volatile boolean dark;
    private static volatile SystemTheme.Mode mode = SystemTheme.Mode.SYSTEM;
    private static SystemThemeWatch watch;

    private Theme() {
    }

    /** Applies {@code setting} ("system", "light", "dark"); returns whether the result is dark. */
    public static boolean apply(String setting) {
        mode = SystemTheme.Mode.parse(setting);
        return apply(new SystemTheme().isDark(mode));
    }

    /**
     * Follows the desktop's preference live while the setting is "Like the system" (a change of the desktop's
     * theme reaches every window within {@link SystemThemeWatch#PERIOD}).
     */
    public static void followSystem() {
        if (watch == null) {
            watch = new SystemThemeWatch(new SystemTheme(), dark -> javafx.application.Platform.runLater(() -> {
                if (mode == SystemTheme.Mode.SYSTEM) {
                    apply(dark);
                }
            })).start(SystemThemeWatch.PERIOD);
        }
    }

    public static boolean apply(boolean darkTheme) {
        dark = darkTheme;
        Application.setUserAgentStylesheet(darkTheme ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
        for (Window w : Window.getWindows()) {
            if (w.getScene() != null && w.getScene().getRoot() != null) {
                w.getScene().getRoot().pseudoClassStateChanged(DARK, darkTheme);
            }
        }
        return darkTheme;
    }

    public static boolean isDark() {
        return dark;
    }

    /** Marks a new scene's root (dialogs) with the current theme. */
    static void mark(javafx.scene.Parent root) {
        root.pseudoClassStateChanged(DARK, dark);
    }
}
