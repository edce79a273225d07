package com.audmg.drive.desktop.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.audmg.drive.desktop.model.SystemTheme;
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

    private Theme() {
    }

    /** Applies {@code setting} ("system", "light", "dark"); returns whether the result is dark. */
    public static boolean apply(String setting) {
        return apply(new SystemTheme().isDark(SystemTheme.Mode.parse(setting)));
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
