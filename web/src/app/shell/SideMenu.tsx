// The side menu built from the registry: grouped, and only what the user's permissions allow.
import { Menu, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { visibleMenu } from '../feature';
import { MENU_GROUPS, registry } from '../registry';
import { useCan } from '../session';

export function SideMenu({ collapsed }: { collapsed: boolean }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const groups = useMemo(() => visibleMenu(registry.menu, can), [can]);
  const visible = useMemo(() => groups.flatMap((g) => g.items), [groups]);
  const items = useMemo<MenuProps['items']>(() => {
    const icons = new Map(MENU_GROUPS.map((g) => [g.key, g.icon]));
    return groups.flatMap(({ group, items: mine }) => {
      const children = mine.map((m) => ({
        key: m.path,
        icon: group === 'home' ? (m.icon ?? icons.get(group)) : m.icon,
        label: t(m.label),
      }));
      return group === 'home'
        ? children
        : [
            {
              key: `group:${group}`,
              icon: icons.get(group),
              label: t(`common:menuGroups.${group}`),
              children,
            },
          ];
    });
  }, [groups, t]);

  const selected = useMemo(() => {
    const match = visible
      .filter((m) =>
        m.path === '/' ? pathname === '/' : pathname === m.path || pathname.startsWith(`${m.path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length)[0];
    return match ? [match.path] : [];
  }, [visible, pathname]);

  const [openKeys, setOpenKeys] = useState<string[]>(() => MENU_GROUPS.map((g) => `group:${g.key}`));

  return (
    <Menu
      theme="dark"
      mode="inline"
      items={items}
      selectedKeys={selected}
      openKeys={collapsed ? undefined : openKeys}
      onOpenChange={setOpenKeys}
      onClick={(e) => navigate(e.key)}
      style={{ borderInlineEnd: 0 }}
      data-testid="side-menu"
    />
  );
}
