import type { Router } from '../../router/router.js';
import type { Handler } from '../context.js';
import { sendJson } from '../respond.js';

/** GET /v1/models: the aliases clients may send, in OpenAI's list shape. */
export function listModels(router: Router, createdAt: number): Handler {
  return (_req, res, ctx) => {
    const data = router.table.groups().map((group) => modelObject(group.alias, group.deployments[0]?.provider, createdAt));
    sendJson(res, 200, { object: 'list', data }, ctx.headers);
  };
}

/** GET /v1/models/{id}: one alias, or the catalog's model_not_found with suggestions. */
export function retrieveModel(router: Router, createdAt: number, id: string): Handler {
  return (_req, res, ctx) => {
    const group = router.resolve(id);
    sendJson(res, 200, modelObject(group.alias, group.deployments[0]?.provider, createdAt), ctx.headers);
  };
}

function modelObject(id: string, provider: string | undefined, created: number) {
  return { id, object: 'model', created, owned_by: provider ?? 'switchyard' };
}
