package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.desktop.api.ApiException;
import com.audmg.drive.desktop.api.DriveClient;
import com.audmg.drive.desktop.api.SessionInfo;
import com.audmg.drive.desktop.testing.LocalCloudFixture;
import com.audmg.drive.desktop.testing.Totp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account models without any JavaFX UI, against the real local cloud: stay signed in (token file, restart,
 * revoked token), e-mail and its verification with the code from the local cloud's outbox, password reset, TOTP
 * enrolment and a login with a code computed here ({@link Totp}, independently of the server's library), delete
 * account.
 */
class AccountModelTest {

    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    static Path cloudData;
    private static LocalCloudFixture cloud;
    @TempDir
    Path appData;
    private final ExecutorService io = Executors.newCachedThreadPool();
    private final ExecutorService ui = Executors.newSingleThreadExecutor();
    private final Background background = new Background(io, ui);

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

    private <T> T onUi(Callable<T> c) throws Exception {
        return ui.submit(c).get(20, TimeUnit.SECONDS);
    }

    private boolean await(Callable<CompletableFuture<Boolean>> command) throws Exception {
        return onUi(command).get(30, TimeUnit.SECONDS);
    }

    /** A login form over a new client (as after an app start), keeping sessions in {@code store}. */
    private record Form(DriveClient client, SessionModel session, StaySignedIn stay, AtomicReference<String> in) {
    }

    private Form form(TokenStore store, String lastUser) {
        DriveClient client = new DriveClient(cloud.baseUrl());
        StaySignedIn stay = new StaySignedIn(store, "local", false);
        stay.follow(client);
        AtomicReference<String> in = new AtomicReference<>();
        SessionModel session = new SessionModel(() -> client, CompletableFuture.completedFuture(null), background,
                lastUser, in::set).withStaySignedIn(stay);
        return new Form(client, session, stay, in);
    }

    private boolean submit(Form f, String user, String password, boolean signUp, boolean keep) throws Exception {
        onUi(() -> {
            f.session().signUpModeProperty().set(signUp);
            f.session().usernameProperty().set(user);
            f.session().passwordProperty().set(password);
            f.session().keepSignedInProperty().set(keep);
            return null;
        });
        return await(() -> f.session().submit());
    }

    /**
     * A new account through the API. A gateway error (a cold Lambda worker past its timeout on a loaded machine) is
     * answered by sending again, up to three times: the account flows are what is tested here.
     */
    private static DriveClient signUpAndLogIn(String user) throws Exception {
        DriveClient c = new DriveClient(cloud.baseUrl());
        for (int attempt = 1; ; attempt++) {
            try {
                c.signUp(user, PASSWORD);
                break;
            } catch (ApiException e) {
                if (attempt > 1 && e.status() == 409) {
                    break;
                }
                if (e.status() < 500 || attempt == 3) {
                    throw e;
                }
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                c.login(user, PASSWORD);
                return c;
            } catch (ApiException e) {
                if (e.status() < 500 || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Test
    void keepSignedIn_shouldKeepOnlyTheRefreshTokenInAPrivateFile_andSignInAfterARestart_untilSignOut()
            throws Exception {
        TokenStore.FileTokenStore store = new TokenStore.FileTokenStore(appData.resolve("data"));
        Form first = form(store, "");
        assertTrue(submit(first, "kim", PASSWORD, true, true));
        Path file = store.file();
        assertTrue(Files.isRegularFile(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        String kept = Files.readString(file);
        assertFalse(kept.contains(PASSWORD), "the password is never written");
        assertTrue(kept.contains(first.client().refreshToken()), "the current refresh token is kept");
        try (Stream<Path> all = Files.list(file.getParent())) {
            assertEquals(List.of(file), all.toList(), "nothing else (no temporary copy) is left");
        }

        // A restart: a new client with nothing but the kept token opens the drive.
        DriveClient restarted = new DriveClient(cloud.baseUrl());
        StaySignedIn stay = new StaySignedIn(store, "local", true);
        stay.follow(restarted);
        StaySignedIn.Outcome outcome = stay.resume(restarted);
        StaySignedIn.SignedIn in = assertInstanceOf(StaySignedIn.SignedIn.class, outcome);
        assertEquals("kim", in.me().username());
        assertTrue(restarted.isLoggedIn());
        assertTrue(Files.readString(file).contains(restarted.refreshToken()),
                "the rotated refresh token replaces the used one");
        assertInstanceOf(StaySignedIn.NotKept.class, new StaySignedIn(store, "https://other.example", true)
                .resume(new DriveClient(cloud.baseUrl())), "a token belongs to its connection");

        // Sign-out forgets it: the next start shows the login.
        restarted.logout();
        assertFalse(Files.exists(file));
        assertInstanceOf(StaySignedIn.NotKept.class, stay.resume(new DriveClient(cloud.baseUrl())));

        // Without "keep me signed in" nothing is written.
        Form second = form(store, "kim");
        assertTrue(submit(second, "kim", PASSWORD, false, false));
        assertFalse(Files.exists(file));
    }

    @Test
    void aRevokedKeptSession_shouldGoBackToTheLoginWithAPlainMessage_andBeForgotten() throws Exception {
        TokenStore.FileTokenStore store = new TokenStore.FileTokenStore(appData.resolve("data"));
        Form f = form(store, "");
        assertTrue(submit(f, "lena", PASSWORD, true, true));
        String keptSession = f.client().sessions().stream().filter(SessionInfo::current).findFirst().orElseThrow()
                .sessionId();
        // Signed out from another computer.
        DriveClient other = new DriveClient(cloud.baseUrl());
        other.login("lena", PASSWORD);
        other.endSession(keptSession);

        DriveClient restarted = new DriveClient(cloud.baseUrl());
        StaySignedIn stay = new StaySignedIn(store, "local", true);
        stay.follow(restarted);
        StaySignedIn.Ended ended = assertInstanceOf(StaySignedIn.Ended.class, stay.resume(restarted));
        assertEquals(StaySignedIn.ENDED_MESSAGE, ended.message());
        assertFalse(restarted.isLoggedIn());
        assertFalse(Files.exists(store.file()), "a refused token is forgotten");
    }

    @Test
    void email_shouldBeSetWithThePassword_andVerifiedWithTheMailedCode_thenResetThePassword() throws Exception {
        DriveClient client = signUpAndLogIn("mona");
        AccountModel account = new AccountModel(() -> client, background, () -> { });
        assertTrue(await(account::load));
        assertNull(account.meProperty().get().email());

        assertFalse(await(() -> account.changeEmail("", "")));
        assertEquals("Enter an e-mail address.", account.error(AccountModel.Field.EMAIL).get());
        assertEquals("Enter your current password.", account.error(AccountModel.Field.EMAIL_PASSWORD).get());
        assertFalse(await(() -> account.changeEmail("mona@example.com", "not-my-password")));
        assertEquals("That password is not right.", account.error(AccountModel.Field.EMAIL_PASSWORD).get());
        assertEquals("", account.error(AccountModel.Field.EMAIL).get());
        assertFalse(await(() -> account.changeEmail("not an address", PASSWORD)));
        assertEquals("Enter a valid e-mail address, such as name@example.com.",
                account.error(AccountModel.Field.EMAIL).get());

        assertTrue(await(() -> account.changeEmail("mona@example.com", PASSWORD)));
        assertEquals("mona@example.com", account.meProperty().get().email());
        assertFalse(account.meProperty().get().emailVerified());
        String code = codeMailedTo("mona@example.com", "verification");

        assertFalse(await(() -> account.verifyEmail(other(code))));
        assertTrue(account.error(AccountModel.Field.EMAIL_CODE).get().startsWith("This code is not right"));
        assertTrue(await(() -> account.verifyEmail(code)));
        assertTrue(account.meProperty().get().emailVerified());
        assertEquals("", account.error(AccountModel.Field.EMAIL_CODE).get());

        // Forgot password: the code goes to the verified address.
        PasswordResetModel reset = new PasswordResetModel(() -> new DriveClient(cloud.baseUrl()), background, "mona");
        assertTrue(await(reset::request));
        assertEquals(PasswordResetModel.Stage.CONFIRM, reset.stageProperty().get());
        String resetCode = codeMailedTo("mona@example.com", "password reset");
        onUi(() -> {
            reset.codeProperty().set(other(resetCode));
            reset.newPasswordProperty().set("a brand new passphrase");
            return null;
        });
        assertFalse(await(reset::confirm));
        assertTrue(reset.codeErrorProperty().get().startsWith("This code is not right"));
        onUi(() -> {
            reset.codeProperty().set(resetCode.toLowerCase(Locale.ROOT));
            return null;
        });
        assertTrue(await(reset::confirm), reset.codeErrorProperty().get() + reset.newPasswordErrorProperty().get());
        assertEquals(PasswordResetModel.Stage.DONE, reset.stageProperty().get());
        new DriveClient(cloud.baseUrl()).login("mona", "a brand new passphrase");
        ApiException old = assertThrows(ApiException.class,
                () -> new DriveClient(cloud.baseUrl()).login("mona", PASSWORD));
        assertEquals("invalid_credentials", old.code());
    }

    @Test
    void totp_shouldBeEnrolledWithACode_andAskedAtLogin_andTurnedOff() throws Exception {
        DriveClient client = signUpAndLogIn("nils");
        AccountModel account = new AccountModel(() -> client, background, () -> { });
        assertTrue(await(account::load));
        assertFalse(account.meProperty().get().mfa());
        assertTrue(await(account::startTotp));
        String uri = account.enrolmentProperty().get().otpauthUrl();
        assertTrue(uri.startsWith("otpauth://totp/"), uri);
        byte[] secret = base32(account.enrolmentProperty().get().secret());
        assertTrue(uri.contains("secret=" + account.enrolmentProperty().get().secret()));
        // The QR code the dialog draws holds that URI.
        assertTrue(QrCodes.matrix(uri, 8).getWidth() >= 21);

        long step = System.currentTimeMillis() / 30_000;
        assertFalse(await(() -> account.confirmTotp(wrongCode(secret, step))));
        assertTrue(account.error(AccountModel.Field.TOTP_CODE).get().startsWith("This code is not right"));
        assertTrue(await(() -> account.confirmTotp(totp(secret, step))),
                account.error(AccountModel.Field.TOTP_CODE).get());
        List<String> recovery = account.recoveryCodesProperty().get();
        assertEquals(10, recovery.size());
        assertTrue(account.recoveryCodesText().contains(recovery.get(9)));
        assertTrue(account.meProperty().get().mfa());
        assertNull(account.enrolmentProperty().get());

        // Login: the password leads to the code step.
        Form f = form(new TokenStore.FileTokenStore(appData), "nils");
        assertFalse(submit(f, "nils", PASSWORD, false, false));
        assertTrue(f.session().mfaStepProperty().get());
        assertEquals(SessionModel.Field.CODE, f.session().focusProperty().get());
        assertEquals("", f.session().formErrorProperty().get());
        assertEquals("", f.session().passwordProperty().get(), "the password is not kept for the second step");
        assertFalse(await(() -> f.session().submit()));
        assertTrue(f.session().codeErrorProperty().get().startsWith("Enter the 6-digit code"));
        onUi(() -> {
            f.session().codeProperty().set(wrongCode(secret, step));
            return null;
        });
        assertFalse(await(() -> f.session().submit()));
        assertTrue(f.session().codeErrorProperty().get().startsWith("This code is not right"));
        assertTrue(f.session().mfaStepProperty().get());
        onUi(() -> {
            f.session().codeProperty().set(totp(secret, step + 1));
            return null;
        });
        assertTrue(await(() -> f.session().submit()), f.session().codeErrorProperty().get());
        assertEquals("nils", f.in().get());
        assertTrue(f.client().isLoggedIn());
        assertFalse(f.session().mfaStepProperty().get());

        // A recovery code works once in place of a code.
        Form g = form(new TokenStore.FileTokenStore(appData), "nils");
        assertFalse(submit(g, "nils", PASSWORD, false, false));
        onUi(() -> {
            g.session().codeProperty().set(recovery.get(0));
            return null;
        });
        assertTrue(await(() -> g.session().submit()), g.session().codeErrorProperty().get());

        // Off with a recovery code.
        assertFalse(await(() -> account.disableTotp(wrongCode(secret, step))));
        assertTrue(account.error(AccountModel.Field.DISABLE_CODE).get().startsWith("This code is not right"));
        assertTrue(await(() -> account.disableTotp(recovery.get(1))),
                account.error(AccountModel.Field.DISABLE_CODE).get());
        assertFalse(account.meProperty().get().mfa());
        Form h = form(new TokenStore.FileTokenStore(appData), "nils");
        assertTrue(submit(h, "nils", PASSWORD, false, false), "no second step any more");
    }

    @Test
    void deleteAccount_shouldNeedThePassword_thenEndTheSession_andForgetTheKeptToken() throws Exception {
        TokenStore.FileTokenStore store = new TokenStore.FileTokenStore(appData.resolve("data"));
        Form f = form(store, "");
        assertTrue(submit(f, "olga", PASSWORD, true, true));
        assertTrue(Files.exists(store.file()));
        AtomicBoolean deleted = new AtomicBoolean();
        AccountModel account = new AccountModel(f::client, background, () -> deleted.set(true));
        assertFalse(await(() -> account.deleteAccount("")));
        assertEquals("Enter your password to delete the account.",
                account.error(AccountModel.Field.DELETE_PASSWORD).get());
        assertFalse(await(() -> account.deleteAccount("wrong-password-1")));
        assertEquals("That password is not right.", account.error(AccountModel.Field.DELETE_PASSWORD).get());
        assertFalse(deleted.get());
        assertTrue(f.client().isLoggedIn(), "a wrong password does not end the session");

        assertTrue(await(() -> account.deleteAccount(PASSWORD)));
        assertTrue(deleted.get());
        assertFalse(f.client().isLoggedIn());
        assertFalse(Files.exists(store.file()), "the kept token is forgotten");
        ApiException gone = assertThrows(ApiException.class,
                () -> new DriveClient(cloud.baseUrl()).login("olga", PASSWORD));
        assertEquals("invalid_credentials", gone.code());
    }

    // ---- helpers: RFC 6238 computed here, the outbox of the local cloud ----------------------------------------

    static String totp(byte[] secret, long step) {
        return Totp.code(secret, step);
    }

    static String wrongCode(byte[] secret, long step) {
        return Totp.wrongCode(secret, step);
    }

    static byte[] base32(String text) {
        return Totp.base32(text);
    }

    /** The code of the newest mail to {@code to} whose subject mentions {@code kind}, from the cloud's outbox. */
    static String codeMailedTo(Path cloudDataDir, String to, String kind) throws Exception {
        List<Path> mails;
        try (Stream<Path> files = Files.walk(cloudDataDir)) {
            mails = files.filter(p -> p.getFileName().toString().endsWith(".eml")
                            && p.getParent().getFileName().toString().equals("outbox"))
                    .sorted().toList();
        }
        for (int i = mails.size() - 1; i >= 0; i--) {
            String text = Files.readString(mails.get(i), StandardCharsets.US_ASCII);
            String headers = text.substring(0, text.indexOf("\r\n\r\n"));
            if (headers.contains("\r\nTo: " + to + "\r\n") && headers.toLowerCase(Locale.ROOT).contains(kind)) {
                String raw = text.substring(text.indexOf("\r\n\r\n") + 4);
                String body = headers.contains("\r\nContent-Transfer-Encoding: base64\r\n")
                        ? new String(Base64.getMimeDecoder().decode(raw.strip()), StandardCharsets.UTF_8) : raw;
                Matcher code = Pattern.compile("\\b([0-9]{8}|[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})\\b").matcher(body);
                assertTrue(code.find(), body);
                return code.group(1);
            }
        }
        throw new AssertionError("no " + kind + " mail to " + to + " in " + mails);
    }

    private static String codeMailedTo(String to, String kind) throws Exception {
        return codeMailedTo(cloudData, to, kind);
    }

    private static String other(String code) {
        if (code.contains("-")) {
            return (code.charAt(0) == 'A' ? "B" : "A") + code.substring(1);
        }
        return code.equals("12345678") ? "87654321" : "12345678";
    }

    static void assertNotBlank(String s) {
        assertNotNull(s);
        assertFalse(s.isBlank());
    }
}
