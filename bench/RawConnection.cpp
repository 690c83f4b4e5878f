#include "RawConnection.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <unistd.h>

namespace pipescope::bench {

RawConnection::RawConnection(int descriptor)
    : m_descriptor(descriptor)
    , m_buffer(new char[kBufferSize]) // NOLINT: uninitialised on purpose
{}

RawConnection::~RawConnection()
{
    ::close(m_descriptor);
}

bool RawConnection::send(std::span<const char> payload)
{
    const std::size_t total = 4 + payload.size();
    if (m_outgoing.size() < total)
        m_outgoing.resize(total);
    const auto length = static_cast<std::uint32_t>(payload.size());
    m_outgoing[0] = static_cast<char>(length >> 24);
    m_outgoing[1] = static_cast<char>(length >> 16);
    m_outgoing[2] = static_cast<char>(length >> 8);
    m_outgoing[3] = static_cast<char>(length);
    if (!payload.empty())
        std::memcpy(m_outgoing.data() + 4, payload.data(), payload.size());
    std::size_t done = 0;
    while (done < total) {
        const ssize_t written = ::write(m_descriptor, m_outgoing.data() + done, total - done);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        done += std::size_t(written);
    }
    return true;
}

bool RawConnection::readFully(char* out, std::size_t size)
{
    while (size > 0) {
        const ssize_t count = ::read(m_descriptor, out, size);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return false;
        out += count;
        size -= std::size_t(count);
    }
    return true;
}

std::optional<std::span<const char>> RawConnection::receive()
{
    for (;;) {
        const std::size_t held = m_end - m_begin;
        if (held >= 4) {
            const auto* header = reinterpret_cast<const unsigned char*>(m_buffer.get() + m_begin);
            const std::uint32_t length = std::uint32_t(header[0]) << 24 |
                                         std::uint32_t(header[1]) << 16 |
                                         std::uint32_t(header[2]) << 8 | std::uint32_t(header[3]);
            if (length > 0x7fffffffU)
                return std::nullopt;
            if (held >= 4 + std::size_t(length)) {
                const std::span<const char> message(m_buffer.get() + m_begin + 4, length);
                m_begin += 4 + length;
                return message;
            }
            if (4 + std::size_t(length) > kBufferSize) {
                // Too large for the buffer: what is buffered, then the rest straight in.
                m_large.reset(new char[length]); // NOLINT: uninitialised on purpose
                const std::size_t buffered = held - 4;
                std::memcpy(m_large.get(), m_buffer.get() + m_begin + 4, buffered);
                m_begin = m_end = 0;
                if (!readFully(m_large.get() + buffered, length - buffered))
                    return std::nullopt;
                return std::span<const char>(m_large.get(), length);
            }
        }
        // Not a whole frame: keep its start and read more behind it.
        if (m_begin > 0) {
            std::memmove(m_buffer.get(), m_buffer.get() + m_begin, held);
            m_begin = 0;
            m_end = held;
        }
        ssize_t count = 0;
        do {
            count = ::read(m_descriptor, m_buffer.get() + m_end, kBufferSize - m_end);
        } while (count < 0 && errno == EINTR);
        if (count <= 0)
            return std::nullopt;
        m_end += std::size_t(count);
    }
}

} // namespace pipescope::bench
