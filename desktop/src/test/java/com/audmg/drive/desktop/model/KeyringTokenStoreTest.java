package com.audmg.drive.desktop.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.audmg.drive.desktop.testing.Probes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS keyring path for real on Linux: a private D-Bus session ({@code dbus-run-session}) with gnome-keyring's
 * Secret Service unlocked by a test password, in a throw-away home folder; the app's {@code TokenStore.open} runs in a
 * JVM inside that session (a JVM cannot change its own environment, and the Secret Service is found through
 * {@code DBUS_SESSION_BUS_ADDRESS}) and stores, reads and deletes a refresh token, checked from outside the app with
 * libsecret's {@code secret-tool}. Skipped, saying which, when dbus-run-session, gnome-keyring-daemon or secret-tool
 * is missing ({@code apt-get install dbus-daemon gnome-keyring libsecret-tools}; {@code .ci/run} installs them).
 */
class KeyringTokenStoreTest {

    private static final String SERVICE = "Audmg Drive";
    private static final String ACCOUNT = "refresh-token local";

    @TempDir
    Path dir;

    @Test
    void inASecretServiceSession_shouldStoreReadAndDeleteTheRefreshTokenInTheKeyring_notInAFile() throws Exception {
        for (String tool : List.of("dbus-run-session", "gnome-keyring-daemon", "secret-tool")) {
            assumeTrue(SystemTheme.onPath(tool), tool + " not installed: the keyring path is not tested here");
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        Path data = dir.resolve("data");
        String java = ProcessHandle.current().info().command().orElse("java");
        String session = "printf 'test password' | gnome-keyring-daemon --replace --daemonize --unlock "
                + "--components=secrets >/dev/null && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"";
        ProcessBuilder pb = new ProcessBuilder("dbus-run-session", "--", "sh", "-c", session, java,
                System.getProperty("java.class.path"), Probe.class.getName(), data.toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        pb.environment().put("XDG_RUNTIME_DIR", Files.createDirectories(dir.resolve("run")).toString());
        pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        pb.environment().remove("DISPLAY"); // no prompt can show: the keyring must be unlocked already
        Map<String, String> seen = Probes.run(pb, dir.resolve("session.log"), 90);
        String out = seen.get("output");
        assertEquals("0", seen.get("exit"), out);
        // THEN the app chose the keyring, and the token went there, not to the 0600 file
        assertEquals("the system keyring", seen.get("store"), out);
        assertEquals("refresh-1", seen.get("secret-tool after save"), out);
        assertEquals("false", seen.get("file"), out);
        assertEquals("refresh-1", seen.get("load"), out);
        // AND a second save replaces it (one item, not two: java-keyring refuses to read duplicates)
        assertEquals("refresh-2", seen.get("secret-tool after second save"), out);
        assertEquals("refresh-2", seen.get("load after second save"), out);
        // AND another connection's token is another item
        assertEquals("", seen.get("load other connection"), out);
        // AND what another program stored under the app's names is read
        assertEquals("refresh-3", seen.get("load after secret-tool store"), out);
        // AND clear deletes it: secret-tool finds nothing (exit 1), and the app reads nothing
        assertEquals("exit 1", seen.get("secret-tool after clear"), out);
        assertEquals("", seen.get("load after clear"), out);
    }

    /** Runs in the keyring session: the app's store, checked with secret-tool. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Path data = Path.of(args[0]);
            TokenStore store = TokenStore.open(data);
            print("store", store.describe());
            store.save("local", "refresh-1");
            print("secret-tool after save", lookup());
            print("file", Boolean.toString(Files.exists(data.resolve(TokenStore.FileTokenStore.FILE))));
            print("load", store.load("local").orElse(""));
            store.save("local", "refresh-2");
            print("secret-tool after second save", lookup());
            print("load after second save", store.load("local").orElse(""));
            print("load other connection", store.load("https://api.example.com/prod").orElse(""));
            secretTool("refresh-3", "store", "--label=Audmg Drive test", "service", SERVICE, "account", ACCOUNT);
            print("load after secret-tool store", store.load("local").orElse(""));
            store.clear("local");
            print("secret-tool after clear", lookup());
            Optional<String> gone = store.load("local");
            print("load after clear", gone.orElse(""));
            System.exit(0); // dbus-java's connection threads would keep this JVM alive
        }

        private static String lookup() throws Exception {
            return secretTool(null, "lookup", "service", SERVICE, "account", ACCOUNT);
        }

        /** secret-tool's output, or "exit N" when it fails. */
        private static String secretTool(String stdin, String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add("secret-tool");
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException closed) {
                // lookup does not read its input
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            return code == 0 ? out : "exit " + code;
        }

        private static void print(String what, String value) {
            System.out.println("PROBE " + what + "=" + value);
            System.out.flush();
        }
    }
}
