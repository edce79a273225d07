package com.audmg.drive.desktop.model;

import com.audmg.drive.desktop.api.DriveFile;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;

/**
 * Which files are selected, as desktop file managers do it: a click selects one, Ctrl+click toggles one, Shift+click
 * selects the range from the anchor (the last plain or Ctrl click) in the order shown. Kept by file id, so a renamed
 * file stays selected.
 */
public final class Selection {

    private final ObservableSet<String> ids = FXCollections.observableSet(new java.util.LinkedHashSet<>());
    /** One wrapper, kept: it listens to {@code ids} weakly, so a wrapper made per call would lose its listeners. */
    private final ObservableSet<String> readOnlyIds = FXCollections.unmodifiableObservableSet(ids);
    private final ReadOnlyObjectWrapper<DriveFile> lead = new ReadOnlyObjectWrapper<>(this, "lead");
    private DriveFile anchor;

    public ObservableSet<String> ids() {
        return readOnlyIds;
    }

    /** The file last clicked or moved to with the keyboard. */
    public ReadOnlyObjectProperty<DriveFile> leadProperty() {
        return lead.getReadOnlyProperty();
    }

    public boolean contains(DriveFile f) {
        return f != null && ids.contains(f.id());
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }

    /** A pointer click or keyboard move; {@code order} is the list as shown. */
    public void click(DriveFile f, boolean toggle, boolean range, List<DriveFile> order) {
        if (range && anchor != null && indexOf(order, anchor) >= 0) {
            int from = indexOf(order, anchor);
            int to = indexOf(order, f);
            if (to >= 0) {
                if (!toggle) {
                    ids.clear();
                }
                for (int i = Math.min(from, to); i <= Math.max(from, to); i++) {
                    ids.add(order.get(i).id());
                }
                lead.set(f);
                return;
            }
        }
        if (toggle) {
            if (!ids.remove(f.id())) {
                ids.add(f.id());
            }
        } else {
            ids.clear();
            ids.add(f.id());
        }
        anchor = f;
        lead.set(f);
    }

    /** Selects exactly this file (or nothing). */
    public void select(DriveFile f) {
        ids.clear();
        anchor = f;
        lead.set(f);
        if (f != null) {
            ids.add(f.id());
        }
    }

    public void selectAll(List<DriveFile> order) {
        ids.clear();
        order.forEach(f -> ids.add(f.id()));
        if (!order.isEmpty() && lead.get() == null) {
            lead.set(order.get(0));
            anchor = order.get(0);
        }
    }

    public void clear() {
        ids.clear();
        anchor = null;
        lead.set(null);
    }

    /** Drops ids that are no longer listed. */
    public void retain(List<DriveFile> listed) {
        if (ids.isEmpty() && lead.get() == null && anchor == null) {
            return; // nothing to check: no set of 100,000 ids at every re-sort
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        listed.forEach(f -> keep.add(f.id()));
        ids.retainAll(keep);
        if (lead.get() != null && !keep.contains(lead.get().id())) {
            lead.set(null);
        }
        if (anchor != null && !keep.contains(anchor.id())) {
            anchor = null;
        }
    }

    /** The selected files in the order shown. */
    public List<DriveFile> files(List<DriveFile> order) {
        List<DriveFile> out = new ArrayList<>();
        for (DriveFile f : order) {
            if (ids.contains(f.id())) {
                out.add(f);
            }
        }
        return out;
    }

    private static int indexOf(List<DriveFile> order, DriveFile f) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).id().equals(f.id())) {
                return i;
            }
        }
        return -1;
    }
}
