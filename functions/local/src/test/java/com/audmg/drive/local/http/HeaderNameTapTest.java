package com.audmg.drive.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tap follows request heads through bodies, pipelining and bytes split anywhere. */
class HeaderNameTapTest {

    private static void feedInPieces(HeaderNameTap.Scanner scanner, String bytes, int piece) {
        byte[] all = bytes.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < all.length; i += piece) {
            scanner.feed(ByteBuffer.wrap(all, i, Math.min(piece, all.length - i)).slice());
        }
    }

    @Test
    void pipelinedRequestsWithBodies_shouldGiveEachHeadsNamesAsSent_whereverTheBytesAreSplit() {
        String traffic = "\r\nPOST /a HTTP/1.1\r\nHost: x\r\ncontent-length: 11\r\nX-Custom-THING: 1\r\n\r\n"
                + "hello\r\n\r\nab" // a body that looks like the end of a head
                + "GET /b HTTP/1.1\r\nhost: x\r\nACCEPT: */*\r\n\r\n"
                + "GET /c HTTP/1.1\nUser-agent: lf-only\n\n";
        for (int piece : new int[] {1, 2, 7, 1000}) {
            HeaderNameTap.Scanner scanner = new HeaderNameTap.Scanner();
            feedInPieces(scanner, traffic, piece);
            assertEquals(List.of("Host", "content-length", "X-Custom-THING"), scanner.heads.pollFirst(), "piece " + piece);
            assertEquals(List.of("host", "ACCEPT"), scanner.heads.pollFirst(), "piece " + piece);
            assertEquals(List.of("User-agent"), scanner.heads.pollFirst(), "piece " + piece);
            assertNull(scanner.heads.pollFirst());
        }
    }

    @Test
    void aChunkedBodyOrFoldedLine_shouldStopFollowingTheConnection() {
        HeaderNameTap.Scanner chunked = new HeaderNameTap.Scanner();
        feedInPieces(chunked, "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", 5);
        assertEquals(List.of("Host", "Transfer-Encoding"), chunked.heads.pollFirst());
        assertNull(chunked.heads.pollFirst(), "the request after a chunked body is not guessed");

        HeaderNameTap.Scanner folded = new HeaderNameTap.Scanner();
        feedInPieces(folded, "GET /a HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n", 3);
        assertNull(folded.heads.pollFirst());
    }
}
