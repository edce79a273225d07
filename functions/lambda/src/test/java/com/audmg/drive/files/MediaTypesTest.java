package com.audmg.drive.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.audmg.drive.Media;
import com.audmg.drive.platform.ApiException;

class MediaTypesTest {

    private static final ContentSniffer SNIFFER = new ContentSniffer();

    @Test
    void canonicalDeclared_shouldNormalizeAliasesAndDropParameters() {
        assertEquals(Optional.of("image/jpeg"), MediaTypes.canonicalDeclared("IMAGE/JPG"));
        assertEquals(Optional.of("audio/wav"), MediaTypes.canonicalDeclared("audio/x-wav"));
        assertEquals(Optional.of("audio/ogg"), MediaTypes.canonicalDeclared("audio/ogg; codecs=opus"));
        assertEquals(Optional.empty(), MediaTypes.canonicalDeclared("image/svg+xml"));
        assertEquals(Optional.empty(), MediaTypes.canonicalDeclared("video/mp4"));
        assertEquals("audio", MediaTypes.kindOf("audio/mpeg"));
        assertEquals("image", MediaTypes.kindOf("image/webp"));
    }

    @Test
    void sniffer_shouldRecognizeRealImagesAndAudio() {
        assertEquals("image", kind(Media.png(8, 8)));
        assertEquals("image", kind(Media.image("jpeg", 8, 8)));
        assertEquals("image", kind(Media.image("gif", 8, 8)));
        assertEquals("image", kind(Media.image("bmp", 8, 8)));
        assertEquals("audio", kind(Media.wav(0.1)));
        assertEquals("audio", kind(bytes("ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000")));
        assertEquals("audio", kind(bytes("fLaC\u0000\u0000\u0000\"")));
        assertEquals("image", kind(bytes("RIFF\u0010\u0000\u0000\u0000WEBPVP8 ")));
    }

    @Test
    void sniffer_shouldRejectOtherContent() {
        assertEquals(Optional.empty(), MediaTypes.kindOfDetected(SNIFFER.detect(bytes("just some text"))));
        assertEquals(Optional.empty(), MediaTypes.kindOfDetected(SNIFFER.detect(bytes("%PDF-1.7\n"))));
        assertEquals(Optional.empty(), MediaTypes.kindOfDetected(SNIFFER.detect(bytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"))));
    }

    @Test
    void validateName_shouldAllowUnicode_butNotControlCharacters() {
        FileService.validateName("Ferienfoto äöü 📷.png");
        ApiException e = assertThrows(ApiException.class, () -> FileService.validateName("a\tb"));
        assertTrue(e.getMessage().contains("name"));
        assertThrows(ApiException.class, () -> FileService.validateName(""));
        FileService.validateName("📷".repeat(255));
        assertThrows(ApiException.class, () -> FileService.validateName("📷".repeat(256)));
    }

    private static String kind(byte[] head) {
        String detected = SNIFFER.detect(head);
        return MediaTypes.kindOfDetected(detected).orElse("none:" + detected);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
