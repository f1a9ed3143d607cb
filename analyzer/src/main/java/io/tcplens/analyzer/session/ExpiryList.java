package io.tcplens.analyzer.session;

/**
 * Sessions in order of their last packet (an intrusive doubly linked list through the sessions
 * themselves): touching a session moves it to the tail in O(1), and the idlest session is always
 * at the head, so expiry never scans the table.
 */
final class ExpiryList {

    private TcpSession head;
    private TcpSession tail;

    TcpSession head() {
        return head;
    }

    void addLast(TcpSession s) {
        s.prev = tail;
        s.next = null;
        if (tail == null) {
            head = s;
        } else {
            tail.next = s;
        }
        tail = s;
    }

    void remove(TcpSession s) {
        if (s.prev == null) {
            head = s.next;
        } else {
            s.prev.next = s.next;
        }
        if (s.next == null) {
            tail = s.prev;
        } else {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
    }

    void moveToTail(TcpSession s) {
        if (tail != s) {
            remove(s);
            addLast(s);
        }
    }
}
