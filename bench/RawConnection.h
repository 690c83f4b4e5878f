#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace pipescope::bench {

// The "raw" contender: multiprocessing.connection's framing (a 4-byte big-endian length, then the
// payload) done in plain C++ on a socket, with nothing else. Sending writes header and payload
// together with ONE write() per message; receiving reads as much as the kernel holds into one
// 256 KiB buffer and parses every whole frame in it, and a payload larger than the buffer is read
// straight into its own destination. Payloads up to 2 GiB only (no 8-byte escape).
class RawConnection
{
public:
    static constexpr std::size_t kBufferSize = 256 * 1024;

    // Adopts `descriptor` (a stream socket), which it closes.
    explicit RawConnection(int descriptor);
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    ~RawConnection();

    // False if the peer has gone or the write failed.
    bool send(std::span<const char> payload);
    // The next message, valid until the next call: a view into the buffer, or the destination a
    // large payload was read into. std::nullopt at EOF or on an error.
    std::optional<std::span<const char>> receive();

private:
    bool readFully(char* out, std::size_t size);

    int m_descriptor;
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::vector<char> m_outgoing;
    std::unique_ptr<char[]> m_large;
};

} // namespace pipescope::bench
