using System;
using System.Runtime.InteropServices;

namespace FineTuning.Datasets
{
    /// <summary>A 128-bit fingerprint of a line, used to spot duplicate examples without keeping lines.</summary>
    internal readonly struct Fingerprint : IEquatable<Fingerprint>
    {
        public readonly ulong Low;
        public readonly ulong High;
        public Fingerprint(ulong low, ulong high) { Low = low; High = high; }
        public bool Equals(Fingerprint other) => Low == other.Low && High == other.High;
        public override bool Equals(object? obj) => obj is Fingerprint f && Equals(f);
        public override int GetHashCode() => unchecked((int)Low ^ (int)(Low >> 32));
    }

    internal static class ByteTools
    {
        private const ulong P1 = 0x9E3779B185EBCA87UL, P2 = 0xC2B2AE3D27D4EB4FUL, P3 = 0x165667B19E3779F9UL, P4 = 0x85EBCA77C2B2AE63UL;

        /// <summary>Two independent multiply-rotate lanes over 8-byte words, each finished with the murmur3 mixer.</summary>
        public static Fingerprint Fingerprint(ReadOnlySpan<byte> data)
        {
            ulong a = P3 ^ (ulong)data.Length, b = P4 + (ulong)data.Length;
            int i = 0;
            for (; i + 8 <= data.Length; i += 8)
            {
                ulong w = MemoryMarshal.Read<ulong>(data.Slice(i));
                a = Rotl(a ^ (w * P1), 31) * P2;
                b = Rotl(b ^ (w * P2), 27) * P1 + a;
            }
            if (i < data.Length)
            {
                ulong w = 0;
                for (int s = 0; i < data.Length; i++, s += 8) w |= (ulong)data[i] << s;
                a = Rotl(a ^ (w * P1), 31) * P2;
                b = Rotl(b ^ (w * P2), 27) * P1 + a;
            }
            return new Fingerprint(Mix(a), Mix(b ^ a));
        }

        private static ulong Rotl(ulong x, int r) => (x << r) | (x >> (64 - r));

        private static ulong Mix(ulong k)
        {
            k ^= k >> 33; k *= 0xff51afd7ed558ccdUL;
            k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53UL;
            k ^= k >> 33;
            return k;
        }

        /// <summary>Index of the first byte that breaks well-formed UTF-8 (Unicode table 3-7), or -1.</summary>
        public static int FirstInvalidUtf8(ReadOnlySpan<byte> s)
        {
            int i = 0, n = s.Length;
            while (i < n)
            {
                if (i + 8 <= n && (MemoryMarshal.Read<ulong>(s.Slice(i)) & 0x8080808080808080UL) == 0) { i += 8; continue; }
                byte b = s[i];
                if (b < 0x80) { i++; continue; }
                int need; byte lo = 0x80, hi = 0xBF;
                if (b >= 0xC2 && b <= 0xDF) need = 1;
                else if (b == 0xE0) { need = 2; lo = 0xA0; }
                else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) need = 2;
                else if (b == 0xED) { need = 2; hi = 0x9F; }
                else if (b == 0xF0) { need = 3; lo = 0x90; }
                else if (b >= 0xF1 && b <= 0xF3) need = 3;
                else if (b == 0xF4) { need = 3; hi = 0x8F; }
                else return i;
                if (i + need > n - 1) return i;
                byte c = s[i + 1];
                if (c < lo || c > hi) return i;
                for (int k = 2; k <= need; k++)
                    if ((s[i + k] & 0xC0) != 0x80) return i;
                i += need + 1;
            }
            return -1;
        }
    }
}

namespace FineTuning.Datasets
{
    /// <summary>
    /// Set of line fingerprints with the line each was first seen on: open addressing over two flat arrays
    /// (a 64-bit key and a 32-bit line per slot, at most 70% full), about 12 to 24 bytes per example, where a
    /// Dictionary would take 40 to 80.
    /// </summary>
    internal sealed class FingerprintTable
    {
        private ulong[] _keys = new ulong[1024];
        private uint[] _lines = new uint[1024];
        private int _count;

        public int Count => _count;

        /// <summary>Adds the fingerprint; when it was already there returns false and the first line (0 if past 4 billion).</summary>
        public bool TryAdd(Fingerprint fingerprint, long line, out long firstLine)
        {
            ulong key = fingerprint.Low ^ (fingerprint.High * 0x9E3779B97F4A7C15UL);
            if (key == 0) key = 1; // 0 marks an empty slot
            int mask = _keys.Length - 1;
            int i = (int)(key >> 32 ^ key) & mask;
            while (true)
            {
                ulong k = _keys[i];
                if (k == 0) break;
                if (k == key) { firstLine = _lines[i]; return false; }
                i = (i + 1) & mask;
            }
            _keys[i] = key;
            _lines[i] = line <= uint.MaxValue ? (uint)line : 0;
            firstLine = 0;
            if (++_count * 10 > _keys.Length * 7) Grow();
            return true;
        }

        private void Grow()
        {
            var oldKeys = _keys; var oldLines = _lines;
            _keys = new ulong[oldKeys.Length * 2];
            _lines = new uint[oldKeys.Length * 2];
            int mask = _keys.Length - 1;
            for (int j = 0; j < oldKeys.Length; j++)
            {
                ulong key = oldKeys[j];
                if (key == 0) continue;
                int i = (int)(key >> 32 ^ key) & mask;
                while (_keys[i] != 0) i = (i + 1) & mask;
                _keys[i] = key;
                _lines[i] = oldLines[j];
            }
        }
    }
}
