package com.audmg.drive.desktop.model;

import com.github.javakeyring.Keyring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where "keep me signed in" keeps the refresh token of one connection (the built-in local cloud, or a remote API
 * URL): the OS keyring (Secret Service, macOS Keychain, Windows Credential Manager, through java-keyring) when it
 * answers, else a file readable by its owner only (0600) in the data folder (made 0700). Never the access token or
 * the password.
 */
public interface TokenStore {

    /** The kept refresh token of {@code connection}, if any. */
    Optional<String> load(String connection);

    void save(String connection, String refreshToken);

    /** Forgets the token of {@code connection} (sign-out, revoked session, deleted account). */
    void clear(String connection);

    /** Where tokens are kept, for the settings and the logs ("the system keyring", "a private file"). */
    String describe();

    /** The OS keyring when one answers here, else {@link FileTokenStore} in {@code dataDir}. */
    static TokenStore open(Path dataDir) {
        if (!Boolean.getBoolean("audmg.noKeyring") && mayHaveKeyring()) {
            Optional<TokenStore> keyring = KeyringTokenStore.tryOpen();
            if (keyring.isPresent()) {
                return keyring.get();
            }
        }
        return new FileTokenStore(dataDir);
    }

    /**
     * False where no keyring can answer: Linux without a D-Bus session bus (servers, CI, this build machine), where the
     * Secret Service lives. Probing costs about a second of class loading (JNA, dbus-java), so it is skipped there.
     */
    private static boolean mayHaveKeyring() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("win") || os.contains("mac")) {
            return true;
        }
        String bus = System.getenv("DBUS_SESSION_BUS_ADDRESS");
        return bus != null && !bus.isBlank();
    }

    /** The OS keyring, probed with a read at start (a keyring that cannot read is no keyring). */
    final class KeyringTokenStore implements TokenStore {
        private static final String SERVICE = "Audmg Drive";
        private final Keyring keyring;

        private KeyringTokenStore(Keyring keyring) {
            this.keyring = keyring;
        }

        static Optional<TokenStore> tryOpen() {
            try {
                Keyring k = Keyring.create();
                try {
                    k.getPassword(SERVICE, "probe");
                } catch (com.github.javakeyring.PasswordAccessException absent) {
                    // an absent entry is a working keyring
                }
                return Optional.of(new KeyringTokenStore(k));
            } catch (Exception | LinkageError e) {
                // No Secret Service / D-Bus (as on servers and in CI), or a locked keyring: the file below.
                return Optional.empty();
            }
        }

        @Override
        public Optional<String> load(String connection) {
            try {
                return Optional.ofNullable(keyring.getPassword(SERVICE, account(connection)))
                        .filter(s -> !s.isBlank());
            } catch (Exception e) {
                return Optional.empty();
            }
        }

        @Override
        public void save(String connection, String refreshToken) {
            try {
                keyring.setPassword(SERVICE, account(connection), refreshToken);
            } catch (Exception e) {
                System.err.println("Could not keep the session in the keyring: " + e.getMessage());
            }
        }

        @Override
        public void clear(String connection) {
            try {
                keyring.deletePassword(SERVICE, account(connection));
            } catch (Exception absent) {
                // nothing kept
            }
        }

        @Override
        public String describe() {
            return "the system keyring";
        }

        private static String account(String connection) {
            return "refresh-token " + connection;
        }
    }

    /**
     * {@code session.properties} in the data folder: connection and refresh token, owner-only (0600, the folder
     * 0700 on POSIX systems; elsewhere the user's profile folder is private already). Written to a new owner-only
     * file first, then moved over the old one, so the token is never readable by others, not even for a moment.
     */
    final class FileTokenStore implements TokenStore {
        static final String FILE = "session.properties";
        private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
        private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");
        private final Path dir;

        public FileTokenStore(Path dataDir) {
            this.dir = dataDir;
        }

        public Path file() {
            return dir.resolve(FILE);
        }

        @Override
        public synchronized Optional<String> load(String connection) {
            Path f = file();
            if (!Files.isRegularFile(f)) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                return Optional.empty();
            }
            if (!connection.equals(p.getProperty("connection"))) {
                return Optional.empty();
            }
            return Optional.ofNullable(p.getProperty("refreshToken")).filter(s -> !s.isBlank());
        }

        @Override
        public synchronized void save(String connection, String refreshToken) {
            try {
                Files.createDirectories(dir);
                restrict(dir, OWNER_RWX);
                Path tmp = dir.resolve(FILE + ".tmp");
                Files.deleteIfExists(tmp);
                if (posix()) {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_RW));
                } else {
                    Files.createFile(tmp);
                }
                Properties p = new Properties();
                p.setProperty("connection", connection);
                p.setProperty("refreshToken", refreshToken);
                try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    p.store(out, "Audmg Drive: kept sign-in (keep this file private)");
                }
                Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                System.err.println("Could not keep the session: " + e.getMessage());
            } catch (IOException e) {
                System.err.println("Could not keep the session: " + e.getMessage());
            }
        }

        @Override
        public synchronized void clear(String connection) {
            try {
                if (load(connection).isPresent() || !Files.exists(file())) {
                    Files.deleteIfExists(file());
                }
            } catch (IOException e) {
                System.err.println("Could not forget the session: " + e.getMessage());
            }
        }

        @Override
        public String describe() {
            return "a private file in the data folder";
        }

        private boolean posix() {
            return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        }

        private void restrict(Path p, Set<PosixFilePermission> perms) throws IOException {
            if (posix()) {
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    /**
     * The device tokens of one connection in this store, one entry per username (lower case): what a login presents
     * so that strangers guessing the password elsewhere do not keep this computer's user out.
     */
    record DeviceTokens(TokenStore store, String connection)
            implements com.audmg.drive.desktop.api.DriveClient.DeviceTokens {
        private String key(String username) {
            return "device " + connection + " " + username.toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public Optional<String> get(String username) {
            return store.load(key(username));
        }

        @Override
        public void put(String username, String token) {
            store.save(key(username), token);
        }
    }
}
