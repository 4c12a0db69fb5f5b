using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace FineTuning.Emulator
{
    /// <summary>
    /// The emulator on a real socket: HTTP/1.1 on the loopback addresses only (127.0.0.1 and, where the machine has it, [::1]
    /// on the same port), so <c>localhost</c> works whichever address it resolves to. The accept loops only accept: each
    /// connection is served on its own task, so a slow client holds its own connection and nothing else.
    /// </summary>
    internal sealed class EmulatorListener : IDisposable
    {
        private readonly IEmulatorApp _app;
        private readonly List<TcpListener> _sockets = new List<TcpListener>();
        private readonly ConcurrentDictionary<HttpConnection, bool> _open = new ConcurrentDictionary<HttpConnection, bool>();
        private readonly List<Task> _loops = new List<Task>();
        private volatile bool _stopping;
        private int _connections;

        public EmulatorListener(IEmulatorApp app, int port)
        {
            _app = app;
            app.Limits.Validate();
            for (var attempt = 0; ; attempt++)
            {
                var v4 = Bind(IPAddress.Loopback, port);
                var chosen = ((IPEndPoint)v4.LocalEndpoint).Port;
                if (!Socket.OSSupportsIPv6)
                {
                    _sockets.Add(v4);
                    Port = chosen;
                    break;
                }
                try
                {
                    var v6 = Bind(IPAddress.IPv6Loopback, chosen);
                    _sockets.Add(v4);
                    _sockets.Add(v6);
                    Port = chosen;
                    ServesIPv6 = true;
                    break;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && port == 0 && attempt < 20)
                {
                    // Something else holds [::1] on the port picked for 127.0.0.1: pick another.
                    v4.Stop();
                }
                catch (SocketException)
                {
                    // No IPv6 loopback here (or its port is taken by someone else): 127.0.0.1 alone.
                    _sockets.Add(v4);
                    Port = chosen;
                    break;
                }
            }
        }

        public int Port { get; }

        /// <summary>Whether [::1] is served as well as 127.0.0.1.</summary>
        public bool ServesIPv6 { get; }

        private static TcpListener Bind(IPAddress address, int port)
        {
            var listener = new TcpListener(address, port);
            if (address.AddressFamily == AddressFamily.InterNetworkV6) listener.Server.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, true);
            listener.Start(512);
            return listener;
        }

        public void Start()
        {
            foreach (var socket in _sockets)
            {
                var listener = socket;
                _loops.Add(Task.Run(() => AcceptLoop(listener)));
            }
        }

        private async Task AcceptLoop(TcpListener listener)
        {
            while (!_stopping)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync().ConfigureAwait(false);
                }
                catch (Exception) when (_stopping)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }
                if (Interlocked.Increment(ref _connections) > _app.Limits.MaxConnections)
                {
                    Interlocked.Decrement(ref _connections);
                    socket.Dispose();
                    continue;
                }
                var connection = new HttpConnection(socket, _app);
                _open[connection] = true;
                // Served off the accept path: the loop goes straight back to accepting.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await connection.RunAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        _open.TryRemove(connection, out _);
                        Interlocked.Decrement(ref _connections);
                    }
                });
            }
        }

        /// <summary>Connections open now.</summary>
        internal int OpenConnections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stopping = true;
            foreach (var socket in _sockets)
            {
                try { socket.Stop(); } catch (Exception) { }
            }
            foreach (var connection in _open.Keys) connection.Abort();
            try { Task.WaitAll(_loops.ToArray(), TimeSpan.FromSeconds(2)); } catch (Exception) { }
        }
    }
}
