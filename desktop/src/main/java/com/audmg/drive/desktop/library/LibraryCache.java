package com.audmg.drive.desktop.library;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The data folder's {@code library/} folder for one server: the per-account caches, and which account was signed in
 * when the app last closed (so that the next start opens its library at once, before any network call).
 */
public final class LibraryCache implements AutoCloseable {

    /** The account whose library the app opens at start; the server is part of the database name already. */
    public record Account(String userId, String username) {
    }

    private static final String ACCOUNT_FILE = "account-";

    private final Path dir;
    private final String server;
    private LibrarySync open;
    private String openUser;

    /**
     * @param dir    the library folder (created 0700 on first write)
     * @param server what identifies the server: its API base URL, or a fixed name for the built-in local cloud
     */
    public LibraryCache(Path dir, String server) {
        this.dir = dir;
        this.server = server;
    }

    public String server() {
        return server;
    }

    /** The sync (and its store) of one account, opened once and kept while that account is in use. */
    public synchronized LibrarySync open(String userId) throws LibraryStoreException {
        if (open != null && userId.equals(openUser)) {
            return open;
        }
        closeOpen();
        open = new LibrarySync(LibraryStore.open(dir, server, userId));
        openUser = userId;
        return open;
    }

    /** The account to open at start, when one was signed in at the last close and its cache exists. */
    public synchronized Optional<Account> lastAccount() {
        Path f = accountFile();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            Account a = LibraryStore.json().readValue(f.toFile(), Account.class);
            if (a.userId() == null || !Files.isRegularFile(LibraryStore.fileFor(dir, server, a.userId()))) {
                return Optional.empty();
            }
            return Optional.of(a);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Remembers the signed-in account (0600). */
    public synchronized void remember(Account account) throws IOException {
        LibraryStore.privateFolder(dir);
        Path f = accountFile();
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        LibraryStore.privateFile(tmp);
        LibraryStore.json().writeValue(tmp.toFile(), account);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** After a sign-out: the next start shows the login, not this account's library. */
    public synchronized void forget() {
        try {
            Files.deleteIfExists(accountFile());
        } catch (IOException e) {
            System.err.println("Could not forget the signed-in account: " + e.getMessage());
        }
    }

    /**
     * After an explicit sign-out or the account's deletion: the cached library of the account in use (else of the
     * one remembered) goes, database and journal files, and the marker: nothing of it stays on this computer.
     */
    public synchronized void deleteAccount() {
        String userId = openUser != null ? openUser : lastAccount().map(Account::userId).orElse(null);
        if (userId != null) {
            closeOpen();
            Path db = LibraryStore.fileFor(dir, server, userId);
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                try {
                    Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
                } catch (IOException e) {
                    System.err.println("Could not delete the library cache " + db + suffix + ": " + e.getMessage());
                }
            }
        }
        forget();
    }

    private Path accountFile() {
        // One marker per server: switching servers in the settings and back finds its account again.
        String name = LibraryStore.fileFor(dir, server, "x").getFileName().toString();
        return dir.resolve(ACCOUNT_FILE + name.substring(2, name.length() - 3) + ".json");
    }

    private void closeOpen() {
        if (open != null) {
            open.store().close();
            open = null;
            openUser = null;
        }
    }

    @Override
    public synchronized void close() {
        closeOpen();
    }
}
