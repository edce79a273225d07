package com.audmg.drive.desktop.model;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/** QR codes (ZXing) of short texts such as the otpauth:// URI of a TOTP enrolment; drawn by the view. */
public final class QrCodes {

    private QrCodes() {
    }

    /** The modules of {@code text}'s QR code, one cell a module, with {@code quietZone} blank modules around. */
    public static BitMatrix matrix(String text, int quietZone) {
        try {
            return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                    EncodeHintType.MARGIN, quietZone,
                    EncodeHintType.CHARACTER_SET, "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode this text as a QR code", e);
        }
    }
}
