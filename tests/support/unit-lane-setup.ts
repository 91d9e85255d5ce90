import { Server, Socket } from 'node:net';
import { afterAll } from 'vitest';
import { unitLaneRefusal } from './unit-lane.ts';

// Setup file of the unit project only: a socket connect or listen fails the test at once,
// instead of a unit test quietly depending on a server that happens to be up.
const connect = Socket.prototype.connect;
const listen = Server.prototype.listen;
Socket.prototype.connect = function refuseConnect(): never {
  throw unitLaneRefusal('a unit test opened a network connection');
};
Server.prototype.listen = function refuseListen(): never {
  throw unitLaneRefusal('a unit test started a server');
};
afterAll(() => {
  Socket.prototype.connect = connect;
  Server.prototype.listen = listen;
});
