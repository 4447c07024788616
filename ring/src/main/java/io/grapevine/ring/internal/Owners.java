package io.grapevine.ring.internal;

import io.grapevine.membership.Member;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The canonical form of a set of owning members: sorted by name (so that the order in which
 * members were learned cannot matter), each with its placement seed and zone index.
 */
public final class Owners {
    /** The zone name given to members that lack the zone tag. */
    public static final String NO_ZONE = "";

    private static final long SEED_SALT = 0x5bd1e9955bd1e995L;

    private final Member[] members;
    private final long[] seeds;
    private final int[] zone;
    private final String[] zoneNames;
    private final int[][] zoneMembers;
    private final int untagged;

    private Owners(Member[] members, String zoneTag) {
        this.members = members;
        int n = members.length;
        this.seeds = new long[n];
        this.zone = new int[n];
        String[] zoneOf = new String[n];
        TreeSet<String> names = new TreeSet<>();
        int missing = 0;
        for (int i = 0; i < n; i++) {
            byte[] name = members[i].name().getBytes(StandardCharsets.UTF_8);
            seeds[i] = Murmur3.fmix64(Murmur3.hash64(name, 0, name.length) ^ SEED_SALT);
            String z = zoneTag == null ? NO_ZONE : members[i].tag(zoneTag);
            if (z == null) {
                z = NO_ZONE;
                missing++;
            }
            zoneOf[i] = z;
            names.add(z);
        }
        this.untagged = zoneTag == null ? 0 : missing;
        this.zoneNames = names.toArray(new String[0]);
        int[] sizes = new int[zoneNames.length];
        for (int i = 0; i < n; i++) {
            zone[i] = Arrays.binarySearch(zoneNames, zoneOf[i]);
            sizes[zone[i]]++;
        }
        this.zoneMembers = new int[zoneNames.length][];
        for (int z = 0; z < zoneNames.length; z++) {
            zoneMembers[z] = new int[sizes[z]];
        }
        int[] fill = new int[zoneNames.length];
        for (int i = 0; i < n; i++) {
            zoneMembers[zone[i]][fill[zone[i]]++] = i;
        }
    }

    /**
     * @param owners  the owning members, in any order
     * @param zoneTag the zone tag, or null
     * @return the canonical owner set
     * @throws IllegalArgumentException when two members share a name
     */
    public static Owners of(Collection<Member> owners, String zoneTag) {
        Objects.requireNonNull(owners, "members");
        List<Member> list = new ArrayList<>(owners.size());
        for (Member m : owners) {
            list.add(Objects.requireNonNull(m, "member"));
        }
        list.sort(Comparator.comparing(Member::name));
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).name().equals(list.get(i - 1).name())) {
                throw new IllegalArgumentException("two members are named " + list.get(i).name());
            }
        }
        return new Owners(list.toArray(new Member[0]), zoneTag);
    }

    /** @return the number of owners */
    public int size() {
        return members.length;
    }

    /**
     * @param i an owner index
     * @return that owner
     */
    public Member member(int i) {
        return members[i];
    }

    /** @return the owners in name order (a copy) */
    public List<Member> members() {
        return List.of(members);
    }

    /**
     * @param name a member name
     * @return its owner index, or a negative number when it is not an owner
     */
    public int indexOf(String name) {
        int lo = 0;
        int hi = members.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = members[mid].name().compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * @param i an owner index
     * @return the owner's placement seed (a hash of its name)
     */
    public long seed(int i) {
        return seeds[i];
    }

    long[] seeds() {
        return seeds;
    }

    /**
     * @param i an owner index
     * @return the index of the owner's zone
     */
    public int zone(int i) {
        return zone[i];
    }

    int[] zones() {
        return zone;
    }

    /** @return the number of distinct zones (1 when zones are off) */
    public int zoneCount() {
        return zoneNames.length;
    }

    /**
     * @param z a zone index
     * @return the zone's name ({@link #NO_ZONE} for members without the tag)
     */
    public String zoneName(int z) {
        return zoneNames[z];
    }

    /**
     * @param z a zone index
     * @return the owner indexes in that zone, ascending (do not modify)
     */
    int[] zoneMembers(int z) {
        return zoneMembers[z];
    }

    /** @return how many owners lack the zone tag (0 when zones are off) */
    public int untaggedCount() {
        return untagged;
    }

    /**
     * @param other another owner set
     * @return whether both sets have the same zone names (so zone indexes mean the same)
     */
    boolean sameZones(Owners other) {
        return Arrays.equals(zoneNames, other.zoneNames);
    }
}
