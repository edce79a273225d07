package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The login form's model without any JavaFX UI, against the real local cloud. */
class SessionModelTest {

    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    private final ExecutorService io = Executors.newCachedThreadPool();
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private final AtomicReference<String> loggedIn = new AtomicReference<>();
    private DriveClient client;
    private SessionModel session;

    @BeforeAll
    static void startCloud() {
        cloud = LocalCloudFixture.start(cloudData);
    }

    @AfterAll
    static void stopCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @AfterEach
    void stop() {
        io.shutdownNow();
        ui.shutdownNow();
    }

    private void newForm(String lastUsername) {
        client = new DriveClient(cloud.baseUrl());
        session = new SessionModel(() -> client, CompletableFuture.completedFuture(null), new Background(io, ui),
                lastUsername, loggedIn::set);
    }

    private boolean submit(String user, String password, boolean signUp) throws Exception {
        ui.submit(() -> {
            session.signUpModeProperty().set(signUp);
            session.usernameProperty().set(user);
            session.passwordProperty().set(password);
        }).get();
        return ui.submit(() -> session.submit()).get().get(20, TimeUnit.SECONDS);
    }

    @Test
    void wrongPassword_shouldShowAFormError_andFocusThePassword() throws Exception {
        newForm("");
        assertTrue(submit("erin", "correct-horse-battery", true));
        assertEquals("erin", loggedIn.get());
        newForm("erin");
        assertFalse(submit("erin", "wrong-password-12", false));
        assertEquals("Wrong username or password.", session.formErrorProperty().get());
        assertEquals(SessionModel.Field.PASSWORD, session.focusProperty().get());
        assertFalse(session.busyProperty().get());
        assertFalse(client.isLoggedIn());
    }

    @Test
    void signUpErrors_shouldLandOnTheirField() throws Exception {
        newForm("");
        assertFalse(submit("x!", "correct-horse-battery", true));
        assertTrue(session.usernameErrorProperty().get().toLowerCase().contains("username"),
                session.usernameErrorProperty().get());
        assertEquals(SessionModel.Field.USERNAME, session.focusProperty().get());
        assertFalse(submit("frank", "short", true));
        assertTrue(session.passwordErrorProperty().get().toLowerCase().contains("password"),
                session.passwordErrorProperty().get());
        assertEquals("", session.usernameErrorProperty().get());
        assertEquals(SessionModel.Field.PASSWORD, session.focusProperty().get());
        // taken username
        assertTrue(submit("grace", "correct-horse-battery", true));
        newForm("");
        assertFalse(submit("grace", "correct-horse-battery", true));
        assertEquals("This username is taken. Choose another or log in.", session.usernameErrorProperty().get());
    }

    @Test
    void emptyFields_shouldBeRefusedWithoutACall() throws Exception {
        newForm("");
        assertFalse(submit("", "", false));
        assertEquals("Enter a username.", session.usernameErrorProperty().get());
        assertEquals("Enter a password.", session.passwordErrorProperty().get());
        assertEquals(SessionModel.Field.USERNAME, session.focusProperty().get());
        assertFalse(submit("henry", "", false));
        assertEquals(SessionModel.Field.PASSWORD, session.focusProperty().get());
    }
}
