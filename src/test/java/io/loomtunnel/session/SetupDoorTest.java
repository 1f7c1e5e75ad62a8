package io.loomtunnel.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The door's decisions on a fake clock, without sockets: who is admitted, refused or evicted, when
 * a penalty starts and ends, and that what it remembers stays within its bounds. (The listener
 * tests and the server's attack tests cover the same over real sockets.)
 */
class SetupDoorTest {
    private final AtomicLong now = new AtomicLong();

    private SetupDoor door(SetupLimits.Builder limits) {
        return new SetupDoor(limits.build(), now::get);
    }

    private static SetupDoor.Setup admitted(SetupDoor door, String source) {
        SetupDoor.Admission a = door.admit(new Socket(), source);
        assertNull(a.refusal(), () -> "refused: " + a.refusal().getMessage());
        return a.setup();
    }

    private static String refusal(SetupDoor door, String source) {
        SetupDoor.Admission a = door.admit(new Socket(), source);
        assertNotNull(a.refusal(), "admitted, expected a refusal");
        return a.refusal().reason();
    }

    @Test
    void whileTheSlotsAreBusyASourceGetsItsShareAndTheNextConnectionIsRefused() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(4).maxSetupsPerSource(2));
        SetupDoor.Setup first = admitted(door, "192.0.2.1");
        admitted(door, "192.0.2.1");
        assertEquals(SetupRefusedException.SOURCE_LIMIT, refusal(door, "192.0.2.1"));
        admitted(door, "192.0.2.2"); // another source is not affected
        door.finished(first, false);
        admitted(door, "192.0.2.1"); // room again
    }

    @Test
    void whileMoreThanHalfTheSlotsAreFreeASourceMayTakeMore() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(10).maxSetupsPerSource(2));
        for (int i = 0; i < 5; i++) {
            admitted(door, "one NAT"); // the fifth fills half the slots
        }
        assertEquals(SetupRefusedException.SOURCE_LIMIT, refusal(door, "one NAT"));
        admitted(door, "elsewhere");
    }

    @Test
    void whenEverySlotIsTakenTheOldestSilentSetUpMakesRoom() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(3));
        SetupDoor.Setup talking = admitted(door, "a");
        talking.heard();
        SetupDoor.Setup silent = admitted(door, "b");
        admitted(door, "c");
        SetupDoor.Admission newcomer = door.admit(new Socket(), "d");
        assertNull(newcomer.refusal(), "the newcomer is admitted");
        assertSame(silent, newcomer.evicted(), "the oldest silent one goes, not the oldest");
        assertEquals(SetupDoor.Ending.EVICTED, door.finished(silent, true), "its own end reports the eviction");
        assertEquals(SetupDoor.Ending.NONE, door.finished(talking, false));
    }

    /**
     * A flood from many sources keeps every slot taken: the oldest silent set-up may be a real
     * client that has not sent its ClientHello yet. The source holding the most set-ups gives one up.
     */
    @Test
    void whenEverySlotIsTakenASilentSetUpOfTheSourceHoldingMostMakesRoom() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(5));
        SetupDoor.Setup client = admitted(door, "client");
        SetupDoor.Setup flood = admitted(door, "flood 1");
        admitted(door, "talker").heard();
        admitted(door, "talker").heard();
        admitted(door, "flood 1");
        assertSame(flood, door.admit(new Socket(), "flood 2").evicted(),
                "the oldest silent one of a source holding two; the talker holds as many but has spoken");
        assertEquals(SetupDoor.Ending.NONE, door.finished(client, false), "the client, oldest and silent, stays");
    }

    @Test
    void whenNoSetUpIsSilentTheOldestMakesRoom() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(2));
        SetupDoor.Setup oldest = admitted(door, "a");
        oldest.heard();
        admitted(door, "b").heard();
        assertSame(oldest, door.admit(new Socket(), "c").evicted());
    }

    @Test
    void failuresPenalizeTheSourceForAWhileAndAnEvictionIsNoFailure() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(1).failuresBeforePenalty(3).penalty(Duration.ofSeconds(60)));
        for (int i = 0; i < 2; i++) {
            door.finished(admitted(door, "a"), true);
        }
        SetupDoor.Setup evicted = admitted(door, "a");
        admitted(door, "b"); // evicts the one from a
        assertEquals(SetupDoor.Ending.EVICTED, door.finished(evicted, true));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        door.finished(admitted(door, "a"), true); // the third failure: a is penalized
        assertEquals(SetupRefusedException.PENALIZED, refusal(door, "a"));
        admitted(door, "c"); // others are not
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        admitted(door, "a"); // the penalty is over
    }

    @Test
    void failuresFarApartDoNotAddUp() {
        SetupDoor door = door(SetupLimits.builder().failuresBeforePenalty(2).penalty(Duration.ofSeconds(10)));
        door.finished(admitted(door, "a"), true);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        door.finished(admitted(door, "a"), true);
        admitted(door, "a"); // still welcome: the first failure was too long ago to count
        door.finished(admitted(door, "a"), true);
        assertEquals(SetupRefusedException.PENALIZED, refusal(door, "a"));
    }

    @Test
    void noPenaltiesWhenTurnedOff() {
        SetupDoor door = door(SetupLimits.builder().failuresBeforePenalty(0));
        for (int i = 0; i < 100; i++) {
            door.finished(admitted(door, "a"), true);
        }
        admitted(door, "a");
        assertEquals(1, door.sourceCount(), "only a, with its set-up in progress");
    }

    @Test
    void aStrangerWithManyAddressesCannotGrowTheTable() {
        SetupDoor door = door(SetupLimits.builder().maxSetups(8).maxSources(16).failuresBeforePenalty(1));
        List<SetupDoor.Setup> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(admitted(door, "busy " + i));
        }
        for (int i = 0; i < 10_000; i++) {
            door.finished(admitted(door, "stranger " + i), true); // each one penalized
            // at most 16 with failures or a penalty, and those with set-ups in progress (at most 8)
            assertTrue(door.sourceCount() <= 16 + 8, "remembered " + door.sourceCount());
        }
        for (SetupDoor.Setup s : running) {
            assertEquals(SetupDoor.Ending.NONE, door.finished(s, false), "sources with set-ups in progress are never forgotten");
        }
    }

    @Test
    void setUpsOlderThanTheTimeoutAreEndedAndCountAsFailures() {
        SetupDoor door = door(SetupLimits.builder().failuresBeforePenalty(2));
        SetupDoor.Setup old = admitted(door, "a");
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        SetupDoor.Setup young = admitted(door, "a");
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertEquals(List.of(old), door.endOverdue(Duration.ofSeconds(10)));
        assertEquals(SetupDoor.Ending.OVERDUE, door.finished(old, true), "its own end reports it");
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertEquals(List.of(young), door.endOverdue(Duration.ofSeconds(10)));
        assertEquals(SetupRefusedException.PENALIZED, refusal(door, "a"), "two overdue set-ups are two failures");
    }

    @Test
    void cleanSourcesAreForgottenAtOnce() {
        SetupDoor door = door(SetupLimits.builder());
        for (int i = 0; i < 1_000; i++) {
            door.finished(admitted(door, "client " + i), false);
        }
        assertEquals(0, door.sourceCount());
    }
}
