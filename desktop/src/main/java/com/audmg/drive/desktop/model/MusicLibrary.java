package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import com.audmg.drive.desktop.api.MediaInfo;
import java.text.Collator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Albums and artists built from the audio files' tags ({@code media.album}, {@code media.artist}, {@code media.track}).
 * Files without the tag are grouped under "Unknown album" / "Unknown artist", listed last. Names are compared
 * ignoring case and surrounding spaces ("the band" and "The Band " are one artist), shown as most tracks spell them.
 */
public final class MusicLibrary {

    public static final String UNKNOWN_ALBUM = "Unknown album";
    public static final String UNKNOWN_ARTIST = "Unknown artist";

    /** An album: its tracks in track-number order (untagged numbers last, then by title). */
    public record Album(String title, String artist, List<DriveFile> tracks) {
    }

    /** An artist: their tracks, album by album, each in track order. */
    public record Artist(String name, int albums, List<DriveFile> tracks) {
    }

    private static final Collator COLLATOR = Collator.getInstance(Locale.ROOT);

    static {
        COLLATOR.setStrength(Collator.SECONDARY);
    }

    private MusicLibrary() {
    }

    /** The albums of the audio files among {@code files}, by title; "Unknown album" last. */
    public static List<Album> albums(List<DriveFile> files) {
        Map<String, List<DriveFile>> byAlbum = group(files, f -> tag(f, MediaInfo::album));
        List<Album> out = new ArrayList<>();
        byAlbum.forEach((key, tracks) -> {
            tracks.sort(TRACK_ORDER);
            String title = key.isEmpty() ? UNKNOWN_ALBUM : shown(tracks, MediaInfo::album);
            out.add(new Album(title, albumArtist(tracks), List.copyOf(tracks)));
        });
        out.sort(Comparator.comparing((Album a) -> a.title().equals(UNKNOWN_ALBUM) && a.tracks().stream()
                .allMatch(t -> tag(t, MediaInfo::album).isEmpty())).thenComparing(Album::title, COLLATOR));
        return out;
    }

    /** The artists of the audio files among {@code files}, by name; "Unknown artist" last. */
    public static List<Artist> artists(List<DriveFile> files) {
        Map<String, List<DriveFile>> byArtist = group(files, f -> tag(f, MediaInfo::artist));
        List<Artist> out = new ArrayList<>();
        byArtist.forEach((key, tracks) -> {
            tracks.sort(Comparator.comparing((DriveFile f) -> tag(f, MediaInfo::album).isEmpty())
                    .thenComparing(f -> tag(f, MediaInfo::album), COLLATOR).thenComparing(TRACK_ORDER));
            String name = key.isEmpty() ? UNKNOWN_ARTIST : shown(tracks, MediaInfo::artist);
            int albums = (int) tracks.stream().map(f -> tag(f, MediaInfo::album)).filter(a -> !a.isEmpty())
                    .distinct().count();
            out.add(new Artist(name, albums, List.copyOf(tracks)));
        });
        out.sort(Comparator.comparing((Artist a) -> a.tracks().stream()
                .allMatch(t -> tag(t, MediaInfo::artist).isEmpty())).thenComparing(Artist::name, COLLATOR));
        return out;
    }

    /** Track number (untagged last), then the title shown, then the file name. */
    static final Comparator<DriveFile> TRACK_ORDER = Comparator
            .comparing((DriveFile f) -> f.media() == null || f.media().track() == null ? Integer.MAX_VALUE
                    : f.media().track())
            .thenComparing(DriveFile::displayTitle, COLLATOR)
            .thenComparing(DriveFile::name);

    private static Map<String, List<DriveFile>> group(List<DriveFile> files,
                                                      java.util.function.Function<DriveFile, String> key) {
        Map<String, List<DriveFile>> groups = new LinkedHashMap<>();
        for (DriveFile f : files) {
            if (f.isAudio()) {
                groups.computeIfAbsent(key.apply(f), k -> new ArrayList<>()).add(f);
            }
        }
        return groups;
    }

    /** The tag, trimmed and lower-cased for grouping; empty when absent. */
    private static String tag(DriveFile f, java.util.function.Function<MediaInfo, String> field) {
        String v = f.media() == null ? null : field.apply(f.media());
        return v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
    }

    /** The spelling most of the tracks use (the first of those most used). */
    private static String shown(List<DriveFile> tracks, java.util.function.Function<MediaInfo, String> field) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DriveFile f : tracks) {
            String v = f.media() == null ? null : field.apply(f.media());
            if (v != null && !v.isBlank()) {
                counts.merge(v.strip(), 1, Integer::sum);
            }
        }
        String best = "";
        int most = 0;
        for (var e : counts.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** The album's artist when its tracks agree, "Various artists" when not, else empty. */
    private static String albumArtist(List<DriveFile> tracks) {
        List<String> artists = tracks.stream().map(f -> tag(f, MediaInfo::artist)).filter(a -> !a.isEmpty())
                .distinct().toList();
        return artists.isEmpty() ? "" : artists.size() == 1 ? shown(tracks, MediaInfo::artist) : "Various artists";
    }
}
