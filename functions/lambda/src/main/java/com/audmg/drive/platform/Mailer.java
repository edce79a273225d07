package com.audmg.drive.platform;

/** Sends one plain-text e-mail. */
public interface Mailer {

    /** @throws MailException when the message was not accepted for delivery */
    void send(String to, String subject, String text);

    /** The message was not accepted (no sender configured, the mail service refused it or is unreachable). */
    final class MailException extends RuntimeException {
        public MailException(String message) {
            super(message);
        }

        public MailException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a deployment without {@code MAIL_FROM} gets: every send fails, saying why. */
    static Mailer unconfigured() {
        return (to, subject, text) -> {
            throw new MailException("MAIL_FROM is not set: this deployment sends no e-mail");
        };
    }
}
