export * from '#commons/domain/fence.ts';
