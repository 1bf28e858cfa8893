import { RequestContext, type EntityManager } from '@mikro-orm/core';
import { currentEntityManager, withLazyEntityManager } from '../../src/db/request-context';

/** Just what the scope uses of an EntityManager: its name and fork(); each fork is a new object. */
function fakeRoot(name = 'default') {
  const forks: object[] = [];
  const root = {
    name,
    fork: () => {
      const fork = { name, forkOf: root } as unknown as EntityManager;
      forks.push(fork);
      return fork;
    },
  } as unknown as EntityManager;
  return { root, forks };
}

describe('lazy request EntityManager', () => {
  it('forks only when the unit of work first asks, then keeps that fork for the whole request', async () => {
    const { root, forks } = fakeRoot();
    await withLazyEntityManager(root, async () => {
      expect(forks).toHaveLength(0);
      const first = currentEntityManager('default');
      await Promise.resolve();
      expect(currentEntityManager('default')).toBe(first);
      expect(forks).toEqual([first]);
    });
  });

  it('gives each request its own fork and none outside a request', async () => {
    const { root, forks } = fakeRoot();
    const [a, b] = await Promise.all([
      withLazyEntityManager(root, async () => {
        await Promise.resolve();
        return currentEntityManager('default');
      }),
      withLazyEntityManager(root, async () => currentEntityManager('default')),
    ]);
    expect(a).not.toBe(b);
    expect(forks).toHaveLength(2);
    expect(currentEntityManager('default')).toBeUndefined();
  });

  it('lets an explicit RequestContext inside the request win (a WhatsApp turn, a notification)', () => {
    const { root, forks } = fakeRoot();
    withLazyEntityManager(root, () => {
      RequestContext.create(root, () => {
        expect(currentEntityManager('default')).toBe(RequestContext.getEntityManager('default'));
      });
    });
    expect(forks).toHaveLength(1);
  });

  it('answers only for the EntityManager it was opened for', () => {
    const { root, forks } = fakeRoot('default');
    withLazyEntityManager(root, () => expect(currentEntityManager('replica')).toBeUndefined());
    expect(forks).toHaveLength(0);
  });
});
