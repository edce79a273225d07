package com.audmg.drive.desktop.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A started TOTP enrolment: the secret (base32) and the otpauth URI that authenticator apps read. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TotpEnrolment(String secret, String otpauthUrl) {
}
